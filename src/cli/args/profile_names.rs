//! Profile names for shell completion, read at completion time. Part of `cli`, which attaches
//! it to every argument that names a profile (so `completions`, which builds from `Cli`, does
//! not have to be imported back).

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::ProfileStore;

/// The profile names that start with what is typed, from the config folder the environment
/// names (`--config-dir` on the line being completed is not seen). Nothing on any error: a
/// completion must never print or fail.
pub fn profile_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(typed) = current.to_str() else {
        return Vec::new();
    };
    let Ok(dir) = ConfigDir::resolve(None) else {
        return Vec::new();
    };
    let Ok(file) = ProfileStore::new(dir).load() else {
        return Vec::new();
    };
    file.profiles
        .iter()
        .filter(|(name, _)| name.starts_with(typed))
        .map(|(name, p)| {
            CompletionCandidate::new(name)
                .help(Some(format!("{} {}", p.provider, p.instance_url).into()))
        })
        .collect()
}
