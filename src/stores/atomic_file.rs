//! Replace a file so that a crash leaves either the old or the new contents, never a mix.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::base::fault::{crash_point, disk_full_point};

/// Write `contents` to `target` through a private temporary file in the same folder, fsync it,
/// optionally copy the previous file to `backup` (also atomically), rename, and fsync the folder.
/// A symlinked `target` stays a symlink: the file it points to is the one replaced, as a user who
/// keeps the file in a dotfiles folder expects.
pub fn write_atomic(target: &Path, contents: &[u8], backup: Option<&Path>) -> io::Result<()> {
    write_at(&through_symlinks(target)?, contents, backup)
}

/// As [`write_atomic`], but a symlink at `target` is replaced, never followed: for the secrets
/// file and the journal, which the program refuses to read through a link (it could lead into
/// another user's folder).
pub fn write_atomic_no_follow(target: &Path, contents: &[u8]) -> io::Result<()> {
    write_at(target, contents, None)
}

/// [`write_atomic_no_follow`] of `text` and a newline, for a file a program reads a secret
/// from (a token file): the copy with the newline is wiped when written.
pub fn write_line_no_follow(target: &Path, text: &str) -> io::Result<()> {
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(text.len() + 1));
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    write_atomic_no_follow(target, &bytes)
}

fn write_at(target: &Path, contents: &[u8], backup: Option<&Path>) -> io::Result<()> {
    // A bare file name's parent is "", which names no folder to sync.
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    // tempfile creates the file 0600, so a secret never sits in a readable file, even briefly.
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(contents)?;
    disk_full_point(name, "temp-written")?;
    crash_point(name, "temp-written");
    tmp.as_file().sync_all()?;
    crash_point(name, "temp-synced");
    if let Some(backup) = backup
        && target.exists()
    {
        keep_backup(backup.parent().unwrap_or(dir), target, backup)?;
        crash_point(name, "backup-kept");
    }
    tmp.persist(target).map_err(|e| e.error)?;
    crash_point(name, "renamed");
    sync_dir(dir)
}

/// Where `path` finally points, following symlinks (each relative to its own folder) even when
/// the last one dangles, so that the write creates the file the link names.
fn through_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // Linux's own bound on a chain of links (ELOOP).
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) => parent.join(next),
                    None => next,
                };
            }
            // Only a file is replaced, never a device or a folder a link points to.
            Ok(meta) if meta.is_file() => return Ok(current),
            Ok(_) => {
                return Err(io::Error::other(format!(
                    "{} is not a regular file",
                    current.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Whether a write failed because the disk (or the user's quota) is full: the one cause the user
/// must be told plainly, lest they delete a file to make room.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// Make `backup` the current `target`, atomically, through a file in `dir` (the backup's own
/// folder, so the rename never crosses filesystems when `target` is a link's far end). A hard
/// link costs no copy and no fsync: the old file's data is already on disk, and the rename that
/// follows leaves it only under `backup`; across filesystems the link fails and a copy is made.
fn keep_backup(dir: &Path, target: &Path, backup: &Path) -> io::Result<()> {
    let link = dir.join(format!(".tmp-bak-{}-{:x}", std::process::id(), nanos()));
    match fs::hard_link(target, &link) {
        Ok(()) => fs::rename(&link, backup),
        Err(_) => {
            let mut bak = tempfile::Builder::new()
                .prefix(".tmp-bak-")
                .tempfile_in(dir)?;
            io::copy(&mut File::open(target)?, &mut bak)?;
            bak.as_file().sync_all()?;
            bak.persist(backup).map(drop).map_err(|e| e.error)
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Tighten a file to 0600 if others can read it; returns what was changed. A symlink is left
/// alone: its own mode means nothing, chmod would act on its target, and the file store refuses
/// a symlinked secrets file outright.
#[cfg(unix)]
pub fn private_file(path: &Path) -> io::Result<Option<String>> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(None);
    }
    restrict(path, &meta, 0o600, "readable by other users")
}

/// Tighten a folder (following a symlink to it) to 0700 if others can enter it.
#[cfg(unix)]
pub fn private_dir(path: &Path) -> io::Result<Option<String>> {
    restrict(path, &fs::metadata(path)?, 0o700, "open to other users")
}

#[cfg(unix)]
fn restrict(path: &Path, meta: &fs::Metadata, mode: u32, was: &str) -> io::Result<Option<String>> {
    use std::os::unix::fs::PermissionsExt;
    let now = meta.permissions().mode() & 0o777;
    if now & 0o077 == 0 {
        return Ok(None);
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(Some(format!(
        "{} was {was} ({now:o}); it is now {mode:04o}",
        path.display()
    )))
}

#[cfg(not(unix))]
pub fn private_file(_path: &Path) -> io::Result<Option<String>> {
    Ok(None)
}

#[cfg(not(unix))]
pub fn private_dir(_path: &Path) -> io::Result<Option<String>> {
    Ok(None)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn replaces_keeps_a_backup_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("p.toml");
        let bak = dir.path().join("p.toml.bak");
        write_atomic(&target, b"one", Some(&bak)).unwrap();
        assert!(!bak.exists());
        write_atomic(&target, b"two", Some(&bak)).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::read(&bak).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_symlinked_target_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("dotfiles");
        fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join("p.toml");
        fs::write(&real, "one").unwrap();
        let target = dir.path().join("p.toml");
        let bak = dir.path().join("p.toml.bak");
        std::os::unix::fs::symlink("dotfiles/p.toml", &target).unwrap();
        write_atomic(&target, b"two", Some(&bak)).unwrap();
        assert!(
            fs::symlink_metadata(&target)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"two");
        assert_eq!(fs::read(&bak).unwrap(), b"one");
        // A dangling link creates the file it names.
        let dangling = dir.path().join("d.toml");
        std::os::unix::fs::symlink(real_dir.join("new.toml"), &dangling).unwrap();
        write_atomic(&dangling, b"new", None).unwrap();
        assert_eq!(fs::read(real_dir.join("new.toml")).unwrap(), b"new");
        assert!(
            fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // A link to a device is not followed into it.
        let dev = dir.path().join("dev.toml");
        std::os::unix::fs::symlink("/dev/null", &dev).unwrap();
        assert!(write_atomic(&dev, b"x", None).is_err());
        // The no-follow form replaces the link itself.
        write_atomic_no_follow(&dangling, b"own").unwrap();
        assert!(
            fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_file()
        );
        assert_eq!(fs::read(real_dir.join("new.toml")).unwrap(), b"new");
        // A loop is an error, not a hang.
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        assert!(write_atomic(&a, b"x", None).is_err());
    }

    #[test]
    fn tightens_open_files() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x");
        fs::write(&f, "x").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(private_file(&f).unwrap().unwrap().contains("644"));
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(private_file(&f).unwrap().is_none());
        let other = dir.path().join("other");
        fs::write(&other, "x").unwrap();
        fs::set_permissions(&other, fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&other, &link).unwrap();
        assert!(
            private_file(&link).unwrap().is_none(),
            "a symlink is not judged by its own mode"
        );
        assert_eq!(
            fs::metadata(&other).unwrap().permissions().mode() & 0o777,
            0o644,
            "nor chmodded through"
        );
    }
}
