//! Entries that outlive their profile: a secret stored by a `setup` killed before it wrote the
//! profile, a refresh token or cached token of a profile whose `delete` was killed half-way.
//!
//! The keyring is shared by every config folder of the user, so "no profile here uses it" does
//! not make a keyring entry an orphan. Instead each write that can leave one notes the entry's
//! name in the folder's journal first (under the folder lock) and strikes it when done. What a
//! journal still names and no profile uses is an orphan: the writer died. The file store belongs
//! to this folder alone, so any of its entries that no profile uses is one as well.

use std::collections::BTreeSet;
use std::io;

use serde::{Deserialize, Serialize};

use super::{AccountError, Accounts, cache_ref, refresh_ref};
use crate::stores::atomic_file::write_atomic_no_follow;
use crate::stores::profile::{Profile, ProfilesFile, write_error};
use crate::stores::secret_store::{LocalStore, SecretStoreKind, StoreError};

/// What kind of entry an orphan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Secret,
    RefreshToken,
    TokenCache,
}

/// One entry without a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub store: LocalStore,
    /// The entry's name in its store (never its value).
    pub entry: String,
    pub kind: EntryKind,
}

/// What a sweep found, and what it could not remove.
#[derive(Debug, Default)]
pub struct Sweep {
    pub removed: Vec<Orphan>,
    pub failed: Vec<(Orphan, StoreError)>,
    /// A store that could not be listed.
    pub unreadable: Vec<StoreError>,
    /// profiles.toml is missing (or a dangling link): without it every entry would look
    /// unused, so nothing was removed.
    pub no_profiles_file: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    #[serde(default)]
    entry: Vec<Pending>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    /// The profile's own store; its refresh token and cache are in the local one beside it.
    store: SecretStoreKind,
    #[serde(rename = "ref")]
    secret_ref: String,
}

impl Pending {
    fn of(profile: &Profile) -> Self {
        Self {
            store: profile.secret.kind(),
            secret_ref: profile.secret_ref.clone(),
        }
    }

    /// The entries kept under this name: the secret itself only in a local store (a Vault or a
    /// password manager keeps its secret, as `delete` does), the session in the local one.
    fn entries(&self) -> Vec<Orphan> {
        let local = self.store.local();
        let mut out = Vec::new();
        if self.store.as_local().is_some() {
            out.push(Orphan {
                store: local,
                entry: self.secret_ref.clone(),
                kind: EntryKind::Secret,
            });
        }
        for (entry, kind) in [
            (refresh_ref(&self.secret_ref), EntryKind::RefreshToken),
            (cache_ref(&self.secret_ref), EntryKind::TokenCache),
        ] {
            out.push(Orphan {
                store: local,
                entry,
                kind,
            });
        }
        out
    }
}

impl Accounts {
    fn read_journal(&self) -> Journal {
        // A journal that does not parse is no reason to stop a write; the file store's orphans
        // are still found by the doctor, and a keyring entry merely stays.
        std::fs::read_to_string(self.dir.journal_path())
            .ok()
            .and_then(|t| toml::from_str(&t).ok())
            .unwrap_or_default()
    }

    fn write_journal(&self, journal: &Journal) -> io::Result<()> {
        let path = self.dir.journal_path();
        if journal.entry.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        let text = toml::to_string(journal).map_err(io::Error::other)?;
        write_atomic_no_follow(&path, text.as_bytes())
    }

    /// Note, before the write that could leave them, the entries kept under these profiles'
    /// names, in one write of the journal. The caller holds the folder lock.
    pub(super) fn journal_note(&self, profiles: &[&Profile]) -> Result<(), AccountError> {
        let mut journal = self.read_journal();
        for profile in profiles {
            let pending = Pending::of(profile);
            if !journal.entry.contains(&pending) {
                journal.entry.push(pending);
            }
        }
        self.write_journal(&journal)
            .map_err(|e| AccountError::Profile(write_error(&self.dir.journal_path(), e)))
    }

    /// Strike `profile` from the journal once its write has finished.
    pub(super) fn journal_done(&self, profile: &Profile) {
        let mut journal = self.read_journal();
        let before = journal.entry.len();
        journal.entry.retain(|p| p.secret_ref != profile.secret_ref);
        if journal.entry.len() != before {
            let _ = self.write_journal(&journal);
        }
    }

    /// Whether profiles.toml is there to say what is used: a missing file or a dangling link
    /// (a dotfiles folder not mounted yet) reads as no profiles, which must not mean "remove
    /// everything".
    fn profiles_file_present(&self) -> bool {
        std::fs::metadata(self.dir.profiles_path()).is_ok_and(|m| m.is_file())
    }

    /// Remove what the journal names and no profile in `file` uses. The caller holds the folder
    /// lock. A writer between its note and its strike (they take the lock twice) is either
    /// done with its profile, which is then used, or has removed the entries itself.
    pub(super) fn sweep_journal(&self, file: &ProfilesFile, dry_run: bool) -> Sweep {
        let journal = self.read_journal();
        if !self.profiles_file_present() {
            return Sweep {
                no_profiles_file: !journal.entry.is_empty(),
                ..Sweep::default()
            };
        }
        let used = used_refs(file);
        let mut sweep = Sweep::default();
        let mut keep = Vec::new();
        let noted = journal.entry.len();
        for pending in journal.entry {
            if used.contains(pending.secret_ref.as_str()) {
                continue;
            }
            let before = sweep.failed.len();
            for orphan in pending.entries() {
                self.remove(orphan, dry_run, &mut sweep);
            }
            if dry_run || sweep.failed.len() != before {
                keep.push(pending);
            }
        }
        if !dry_run && keep.len() != noted {
            let _ = self.write_journal(&Journal { entry: keep });
        }
        sweep
    }

    /// Remove one entry if it is there (a missing one was never written or is already gone).
    fn remove(&self, orphan: Orphan, dry_run: bool, sweep: &mut Sweep) {
        if dry_run {
            match self.secrets.get(orphan.store, &orphan.entry) {
                Ok(_) => sweep.removed.push(orphan),
                Err(StoreError::Missing { .. }) => {}
                Err(e) => sweep.failed.push((orphan, e)),
            }
            return;
        }
        match self.secrets.delete(orphan.store, &orphan.entry) {
            Ok(true) => sweep.removed.push(orphan),
            Ok(false) => {}
            Err(e) => sweep.failed.push((orphan, e)),
        }
    }

    /// Every entry of this folder's file store that no profile uses. The caller holds the lock.
    pub(super) fn sweep_file_store(&self, file: &ProfilesFile, dry_run: bool) -> Sweep {
        let used = used_refs(file);
        let mut sweep = Sweep::default();
        let names = match self.secrets.file_refs() {
            Ok(names) => names,
            Err(e) => {
                sweep.unreadable.push(e);
                return sweep;
            }
        };
        // Without profiles, every entry would look unused: a precaution, not a sweep.
        let present = self.profiles_file_present();
        if !present || file.profiles.is_empty() {
            sweep.no_profiles_file = !present && !names.is_empty();
            return sweep;
        }
        for entry in names {
            let (base, kind) = split_entry(&entry);
            // A hand-made name ending like a suffix is still someone's own secret.
            if !used.contains(base) && !used.contains(entry.as_str()) {
                let orphan = Orphan {
                    store: LocalStore::File,
                    entry: entry.clone(),
                    kind,
                };
                self.remove(orphan, dry_run, &mut sweep);
            }
        }
        sweep
    }
}

impl Accounts {
    /// The doctor's sweep: under the folder lock, what the journal names and what the file
    /// store holds that no profile uses. `dry_run` only lists it.
    pub fn sweep_orphans(&self, dry_run: bool) -> Result<Sweep, AccountError> {
        let profiles = self.profiles();
        let _lock = profiles.lock()?;
        let file = profiles.load()?;
        let mut sweep = self.sweep_journal(&file, dry_run);
        let files = self.sweep_file_store(&file, dry_run);
        sweep.failed.extend(files.failed);
        sweep.unreadable.extend(files.unreadable);
        sweep.no_profiles_file |= files.no_profiles_file;
        for orphan in files.removed {
            if !sweep.removed.contains(&orphan) {
                sweep.removed.push(orphan);
            }
        }
        Ok(sweep)
    }
}

fn used_refs(file: &ProfilesFile) -> BTreeSet<&str> {
    file.profiles
        .values()
        .map(|p| p.secret_ref.as_str())
        .collect()
}

/// A stored entry's profile name and kind, from the suffixes [`refresh_ref`] and [`cache_ref`]
/// add.
fn split_entry(entry: &str) -> (&str, EntryKind) {
    if let Some(base) = entry.strip_suffix(REFRESH_SUFFIX) {
        (base, EntryKind::RefreshToken)
    } else if let Some(base) = entry.strip_suffix(CACHE_SUFFIX) {
        (base, EntryKind::TokenCache)
    } else {
        (entry, EntryKind::Secret)
    }
}

pub(super) const REFRESH_SUFFIX: &str = ".refresh-token";
pub(super) const CACHE_SUFFIX: &str = ".token-cache";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_a_remote_store_leave_its_secret_alone() {
        let vault = Pending {
            store: SecretStoreKind::Vault,
            secret_ref: "p-1".into(),
        };
        let kinds: Vec<_> = vault.entries().iter().map(|o| (o.store, o.kind)).collect();
        assert_eq!(
            kinds,
            [
                (LocalStore::Keyring, EntryKind::RefreshToken),
                (LocalStore::Keyring, EntryKind::TokenCache)
            ]
        );
        let file = Pending {
            store: SecretStoreKind::File,
            secret_ref: "p-1".into(),
        };
        assert_eq!(file.entries()[0].entry, "p-1");
        assert_eq!(file.entries()[1].entry, "p-1.refresh-token");
    }

    #[test]
    fn split_names_the_profile_and_kind() {
        assert_eq!(split_entry("a-1"), ("a-1", EntryKind::Secret));
        assert_eq!(
            split_entry("a-1.refresh-token"),
            ("a-1", EntryKind::RefreshToken)
        );
        assert_eq!(
            split_entry("a-1.token-cache"),
            ("a-1", EntryKind::TokenCache)
        );
    }
}
