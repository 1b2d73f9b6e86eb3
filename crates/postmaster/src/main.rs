//! The `postmaster` binary: the server with the built-in modules (`worker_spi`).

fn main() {
    let code = postmaster::run(&[postmaster::Module {
        name: worker_spi::NAME,
        init: worker_spi::init,
    }]);
    std::process::exit(code);
}
