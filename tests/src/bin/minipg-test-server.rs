//! The server the integration tests run: the real postmaster with worker_spi and the
//! test-only `test_workers` module and role lookup (`test_roles`).

fn main() {
    tests::test_roles::install();
    let code = postmaster::run(&[
        postmaster::Module {
            name: worker_spi::NAME,
            init: worker_spi::init,
        },
        postmaster::Module {
            name: tests::test_workers::NAME,
            init: tests::test_workers::init,
        },
    ]);
    std::process::exit(code);
}
