//! Reads and writes through the index and the JSON copy beside `profiles.toml`: one profile
//! read alone, some profiles' tables written anew with the rest copied, and the copy kept with
//! each version.

use std::fs;
use std::path::Path;

use super::{ProfileError, ProfileStore, check_profile, write_error};
use crate::stores::atomic_file::write_atomic;
use crate::stores::entry_index;
use crate::stores::profile::{Profile, ProfilesFile, fragments};

/// A write of some profiles' tables: the new text, its index, and the JSON copy brought up to
/// date when there was one.
struct Spliced {
    text: String,
    index: entry_index::Index,
    copy: Option<ProfilesFile>,
}

impl ProfileStore {
    /// One profile (`None`: the default one) read through the index, without parsing the
    /// others; `None` when the index cannot tell (stale, missing, or the profile is not in
    /// it), and the caller then loads the whole file, which also words any error.
    pub fn quick(&self, name: Option<&str>) -> Option<(String, Profile)> {
        let file = fs::File::open(self.path()).ok()?;
        let hit = entry_index::find(&file, &self.dir.profiles_index_path(), name)?;
        let bytes = entry_index::read_range(&file, hit.range?).ok()?;
        let name = hit.key;
        let profile = fragments::parse_one(&name, &bytes)?;
        check_profile(&name, &profile).ok()?;
        crate::base::log::debug(format_args!(
            "profile {name}: read alone through profiles.index"
        ));
        Some((name, profile))
    }

    /// Run `change` on each named profile under the write lock and save the result. Through the
    /// index only those profiles' tables are parsed and written anew, the rest of the file is
    /// copied as it is (`verify` of one profile among 2,000 then costs what it costs alone);
    /// without a fresh index, the whole file is read and written as [`Self::update`] does.
    /// Names that are not profiles are left out.
    pub fn update_each(
        &self,
        names: &[String],
        mut change: impl FnMut(&str, &mut Profile),
    ) -> Result<(), ProfileError> {
        let _lock = self.lock()?;
        let path = self.path();
        if let Some(Spliced { text, index, copy }) = self.spliced(names, &mut change) {
            write_atomic(&path, text.as_bytes(), Some(&self.dir.backup_path()))
                .map_err(|e| write_error(&path, e))?;
            let index_path = self.dir.profiles_index_path();
            entry_index::write(&index_path, &path, index.default, index.entries);
            match copy {
                Some(file) => self.write_copy(&path, &file),
                None => {
                    let _ = fs::remove_file(self.dir.profiles_copy_path());
                }
            }
            crate::base::log::debug(format_args!(
                "profiles.toml: {} profile(s) written anew, the rest copied",
                names.len()
            ));
            return Ok(());
        }
        let mut file = self.load()?;
        for name in names {
            if let Some(p) = file.profiles.get_mut(name) {
                change(name, p);
            }
        }
        self.save_locked(&file)
    }

    /// The text with the named profiles changed, through a fresh index; `None` when the index
    /// cannot tell (or a changed profile no longer passes its rules, which the full path names).
    fn spliced(
        &self,
        names: &[String],
        change: &mut impl FnMut(&str, &mut Profile),
    ) -> Option<Spliced> {
        use std::io::Read;
        let mut file = fs::File::open(self.path()).ok()?;
        let index = entry_index::fresh(&file, &self.dir.profiles_index_path())?;
        // The JSON copy of the same version, to be kept up to date with the changed profiles.
        let mut copy = entry_index::fresh_copy(&file, &self.dir.profiles_copy_path())
            .and_then(|json| serde_json::from_str::<ProfilesFile>(&json).ok());
        let mut text = String::new();
        file.read_to_string(&mut text).ok()?;
        let mut changed = std::collections::BTreeMap::new();
        for name in names {
            let Some(range) = index.range(name) else {
                continue;
            };
            // The copy holds this very version's profile, and JSON reads faster than TOML
            // (recording `verify --all` over a thousand profiles changes them all).
            let from_copy = copy.as_mut().and_then(|c| c.profiles.remove(name));
            let mut profile = match from_copy {
                Some(p) => p,
                None => {
                    let bytes = text
                        .as_bytes()
                        .get(range.start as usize..range.end as usize)?;
                    fragments::parse_one(name, bytes)?
                }
            };
            change(name, &mut profile);
            check_profile(name, &profile).ok()?;
            changed.insert(name.clone(), fragments::render_one(name, &profile).ok()?);
            if let Some(c) = copy.as_mut() {
                c.profiles.insert(name.clone(), profile);
            }
        }
        let (text, entries) = fragments::splice(&text, &index.entries, &changed)?;
        Some(Spliced {
            text,
            index: entry_index::Index { entries, ..index },
            copy,
        })
    }

    /// The JSON copy of the file just written (under the lock).
    pub(super) fn write_copy(&self, path: &Path, file: &ProfilesFile) {
        let copy = self.dir.profiles_copy_path();
        match fs::metadata(path)
            .ok()
            .and_then(|m| entry_index::Identity::of(&m))
        {
            Some(identity) => match serde_json::to_string(file) {
                Ok(json) => entry_index::write_copy(&copy, identity, &json),
                Err(_) => {
                    let _ = fs::remove_file(&copy);
                }
            },
            None => {
                let _ = fs::remove_file(&copy);
            }
        }
    }
}
