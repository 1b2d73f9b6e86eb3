//! The minimal libtest command-line protocol for `harness = false` test programs that fork:
//! `--list --format terse` (what cargo-nextest asks first), then `NAME --exact` per test, or
//! a plain run (with optional name filters) under `cargo test`. Tests run on the main thread,
//! one after another, so forking from them is safe.

pub struct Args {
    list: bool,
    ignored: bool,
    exact: bool,
    filters: Vec<String>,
}

impl Args {
    pub fn parse() -> Args {
        let mut a = Args {
            list: false,
            ignored: false,
            exact: false,
            filters: Vec::new(),
        };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--list" => a.list = true,
                "--ignored" => a.ignored = true,
                "--exact" => a.exact = true,
                "--format" | "--test-threads" | "--color" | "-Z" => {
                    it.next();
                }
                s if s.starts_with('-') => {}
                s => a.filters.push(s.to_owned()),
            }
        }
        a
    }

    /// Prints the list when asked to; returns whether it did.
    pub fn list<'a>(&self, names: impl Iterator<Item = &'a str>) -> bool {
        if self.list {
            if !self.ignored {
                for n in names {
                    println!("{n}: test");
                }
            }
            return true;
        }
        false
    }

    pub fn selected(&self, name: &str) -> bool {
        if self.ignored {
            return false;
        }
        self.filters.is_empty()
            || self.filters.iter().any(|f| {
                if self.exact {
                    f == name
                } else {
                    name.contains(f.as_str())
                }
            })
    }
}
