//! SIGHUP: re-reading the configuration file into the file layer of every setting.
//!
//! Rules, as PostgreSQL's `ProcessConfigFile`: a file that cannot be read or parsed changes
//! nothing; otherwise each valid value takes effect, a bad value keeps the old one, a changed
//! postmaster-only setting keeps the old one, and a setting no longer in the file falls back to
//! its command-line, environment or default value. The command line keeps its precedence over the
//! file, and session `SET`s stay in force over both. Every problem and every change becomes one
//! message for the caller to LOG; this module logs nothing itself.

use std::collections::BTreeSet;
use std::path::Path;

use crate::config_file;
use crate::registry::{Placeholder, Registry, key};
use crate::setting::Setting;
use crate::value::Value;
use crate::{GucContext, GucError};

impl Registry {
    /// Re-reads `config_file`; see [`crate::reload`].
    pub fn reload(&mut self, config_file: &Path) -> Vec<String> {
        let mut log = Vec::new();
        let entries = match config_file::read(config_file) {
            Ok(entries) => config_file::last_of_each(entries),
            Err(error) => {
                log.push(error.to_string());
                log.push(format!(
                    "configuration file \"{}\" contains errors; no changes were applied",
                    config_file.display()
                ));
                return log;
            }
        };
        self.config_path = Some(config_file.to_path_buf());

        let mut errors = false;
        let mut in_file = BTreeSet::new();
        for entry in &entries {
            let key = key(&entry.name);
            in_file.insert(key.clone());
            let located = |e: GucError| e.in_file(config_file, entry.line).to_string();
            let Some(setting) = self.settings.get_mut(&key) else {
                match self.placeholder_key(&entry.name) {
                    Ok(key) => {
                        let placeholder =
                            self.placeholders.entry(key).or_insert_with(|| Placeholder {
                                name: entry.name.clone(),
                                ..Placeholder::default()
                            });
                        let before = placeholder.current().map(str::to_string);
                        placeholder.config_file = Some((entry.value.clone(), entry.line));
                        if placeholder.current().map(str::to_string) != before {
                            log.push(changed(&placeholder.name, &entry.value));
                        }
                    }
                    Err(error) => {
                        log.push(located(error));
                        errors = true;
                    }
                }
                continue;
            };
            if setting.read_only {
                log.push(located(GucError::ReadOnly {
                    name: setting.name.clone(),
                }));
                errors = true;
                continue;
            }
            let value = match setting.parse(&entry.value) {
                Ok(value) => value,
                Err(error) => {
                    log.push(located(error));
                    errors = true;
                    continue;
                }
            };
            if let Some(refusal) = restart_needed(setting, Some(&value)) {
                log.push(refusal);
                errors = true;
                continue;
            }
            let before = setting.base().clone();
            setting.config_file = Some(value);
            if *setting.base() != before {
                log.push(changed(&setting.name, &entry.value));
            }
            setting.publish();
        }

        for (key, setting) in &mut self.settings {
            if setting.config_file.is_none() || in_file.contains(key) {
                continue;
            }
            if let Some(refusal) = restart_needed(setting, None) {
                log.push(refusal);
                errors = true;
                continue;
            }
            let resets = setting.base_with_file(None) != setting.base();
            setting.config_file = None;
            if resets {
                log.push(format!(
                    "parameter \"{}\" removed from configuration file, reset to default",
                    setting.name
                ));
            }
            setting.publish();
        }
        for (key, placeholder) in &mut self.placeholders {
            if !in_file.contains(key) {
                placeholder.config_file = None;
            }
        }
        self.placeholders.retain(|_, p| !p.is_empty());

        if errors {
            log.push(format!(
                "configuration file \"{}\" contains errors; unaffected changes were applied",
                config_file.display()
            ));
        }
        log
    }
}

/// A reload's refusal to give a postmaster-only setting the file layer `file`, when that would
/// change its value.
fn restart_needed(setting: &Setting, file: Option<&Value>) -> Option<String> {
    let changes = setting.base_with_file(file) != setting.base();
    (setting.context == GucContext::Postmaster && changes).then(|| {
        GucError::CannotChangeWithoutRestart {
            name: setting.name.clone(),
        }
        .to_string()
    })
}

fn changed(name: &str, raw: &str) -> String {
    format!("parameter \"{name}\" changed to \"{raw}\"")
}
