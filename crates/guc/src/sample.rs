//! The commented `minipg.conf` that `postmaster init` writes.

use crate::registry::Registry;

const HEADER: &str = "\
# minipg configuration file
#
# One setting per line: name = value (the '=' is optional). '#' starts a comment.
# Strings that are not simple words go in single quotes: 'like this', 'it''s'.
# Booleans: on/off, true/false, yes/no, 1/0.
# Memory units: B, kB, MB, GB, TB.  Time units: us, ms, s, min, h, d.
#
# Settings marked (change requires restart) are read only at server start; the
# others take effect on `postmaster reload -D DIR` (SIGHUP). Precedence, lowest
# first: default, environment (PGPORT), this file, the command line (-p, -c).
#
# Every setting below is commented out and shows its default.
";

impl Registry {
    /// The text of a default configuration file: the header, then each built-in setting
    /// commented out with its default value, then `extra`.
    pub fn sample_config(&self, extra: &str) -> String {
        let mut text = String::from(HEADER);
        text.push('\n');
        for setting in self.settings.values() {
            if !setting.builtin || setting.read_only {
                continue;
            }
            let assignment = format!(
                "{} = {}",
                setting.name,
                setting.default.config_literal(setting.unit())
            );
            let restart = if setting.context == crate::GucContext::Postmaster {
                " (change requires restart)"
            } else {
                ""
            };
            text.push_str(&format!(
                "#{assignment:<44} # {}{restart}\n",
                setting.description
            ));
        }
        if !extra.is_empty() {
            text.push('\n');
            text.push_str(extra);
            if !extra.ends_with('\n') {
                text.push('\n');
            }
        }
        text
    }
}
