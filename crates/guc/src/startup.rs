//! The start-up load: the environment, the configuration file and the command line, over the
//! defaults, in that order of precedence.
//!
//! All or nothing: the layers are built on a copy of the registry and swapped in only when every
//! value is valid, so a failed start leaves the registry (and the handles) as they were.

use std::path::Path;

use crate::config_file;
use crate::registry::{Placeholder, Registry, key};
use crate::{GucError, GucSource};

/// Environment variables that set a setting (the postmaster's `PGPORT`).
const ENVIRONMENT: &[(&str, &str)] = &[("PGPORT", "port")];

impl Registry {
    /// Loads the start-up layers; see [`crate::load_startup`]. Replaces any layers a previous
    /// call loaded (session values are untouched).
    pub fn load_startup(
        &mut self,
        config_file: Option<&Path>,
        env: &[(String, String)],
        overrides: &[(String, String)],
    ) -> Result<(), GucError> {
        let mut next = self.clone();
        next.clear_startup_layers();

        for (variable, value) in env {
            if let Some((_, name)) = ENVIRONMENT.iter().find(|(v, _)| v == variable) {
                next.apply_startup_value(name, value, GucSource::Environment, 0)?;
            }
        }

        if let Some(path) = config_file {
            next.config_path = Some(path.to_path_buf());
            for entry in config_file::last_of_each(config_file::read(path)?) {
                next.apply_startup_value(
                    &entry.name,
                    &entry.value,
                    GucSource::ConfigFile,
                    entry.line,
                )
                .map_err(|e| e.in_file(path, entry.line))?;
            }
        }

        for (name, value) in overrides {
            // `-c foo-bar=1` means foo_bar, as in PostgreSQL.
            let name = name.replace('-', "_");
            next.apply_startup_value(&name, value, GucSource::CommandLine, 0)?;
        }

        for setting in next.settings.values() {
            setting.publish();
        }
        *self = next;
        Ok(())
    }

    fn clear_startup_layers(&mut self) {
        for setting in self.settings.values_mut() {
            setting.environment = None;
            setting.config_file = None;
            setting.command_line = None;
        }
        for placeholder in self.placeholders.values_mut() {
            placeholder.config_file = None;
            placeholder.command_line = None;
        }
        self.placeholders.retain(|_, p| !p.is_empty());
        self.config_path = None;
    }

    /// Stores `raw` in the `source` layer of `name` (a setting or a placeholder).
    fn apply_startup_value(
        &mut self,
        name: &str,
        raw: &str,
        source: GucSource,
        line: usize,
    ) -> Result<(), GucError> {
        if let Some(setting) = self.settings.get_mut(&key(name)) {
            if setting.read_only {
                return Err(GucError::ReadOnly {
                    name: setting.name.clone(),
                });
            }
            let value = Some(setting.parse(raw)?);
            match source {
                GucSource::Environment => setting.environment = value,
                GucSource::ConfigFile => setting.config_file = value,
                _ => setting.command_line = value,
            }
            return Ok(());
        }
        let key = self.placeholder_key(name)?;
        let placeholder = self.placeholders.entry(key).or_insert_with(|| Placeholder {
            name: name.to_string(),
            ..Placeholder::default()
        });
        match source {
            GucSource::ConfigFile => placeholder.config_file = Some((raw.to_string(), line)),
            _ => placeholder.command_line = Some(raw.to_string()),
        }
        Ok(())
    }
}
