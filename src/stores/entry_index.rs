//! Where each entry sits in a file this program wrote (`profiles.toml`, `secrets.toml`), so
//! that one entry is read without parsing the others: `token` from the cache then costs the
//! same with 2,000 profiles as with one. The index is only a cache beside the file. It names the
//! exact file it describes (device, inode, length, modification and change times, as
//! `fstat` reports them for the file that was opened), so a file replaced or edited since, a
//! garbled index or a missing one are all met the same way: the whole file is read, as before.
//! The entry read through it is checked by its reader too (its key, its rules).

use std::fs::{self, File};
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use zeroize::Zeroizing;

use crate::stores::atomic_file::write_atomic_no_follow;

const MAGIC: &str = "oauth-setup entry index 1";

/// What identifies one version of a file. Writers replace files by rename (a new inode) and
/// any other change moves the change time, which no program can set back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl Identity {
    /// `None` where the platform does not give all of it: the index is then never used.
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Self {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &fs::Metadata) -> Option<Self> {
        None
    }

    /// `identity DEV INO LEN MTIME CTIME`, as the index and the copy carry it.
    fn line(&self) -> String {
        let i = self;
        format!(
            "identity {} {} {} {} {}",
            i.dev, i.ino, i.len, i.mtime_ns, i.ctime_ns
        )
    }

    /// The identity a [`Self::line`] names; `None` for anything else.
    fn parse_line(line: &str) -> Option<Self> {
        let mut id = line.strip_prefix("identity ")?.split(' ');
        let mut num = || id.next()?.parse::<i128>().ok();
        Some(Self {
            dev: u64::try_from(num()?).ok()?,
            ino: u64::try_from(num()?).ok()?,
            len: u64::try_from(num()?).ok()?,
            mtime_ns: num()?,
            ctime_ns: num()?,
        })
    }
}

/// Each entry's key and byte range, in key order: what a writer gives [`write`].
pub type Ranges = Vec<(String, Range<u64>)>;

/// The index of one version of a file: each entry's key and byte range, and the file's default
/// entry where it has one (the default profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub identity: Identity,
    pub default: Option<String>,
    pub entries: Vec<(String, Range<u64>)>,
}

impl Index {
    /// The entry's range; the entries are sorted by key (decode refuses others).
    pub fn range(&self, key: &str) -> Option<Range<u64>> {
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.entries[i].1.clone())
    }

    /// The index as text; `None` when a key cannot be written in it (a line break, or space
    /// at its ends) or the keys are not sorted and unique, so that no index is written rather
    /// than one that misses an entry.
    pub fn encode(&self) -> Option<String> {
        let ok = |k: &str| !k.is_empty() && !k.contains(['\n', '\r']) && k.trim() == k;
        let sorted = self.entries.windows(2).all(|w| w[0].0 < w[1].0);
        if !sorted
            || !self.entries.iter().all(|(k, _)| ok(k))
            || !self.default.as_deref().is_none_or(ok)
        {
            return None;
        }
        let mut out = format!(
            "{MAGIC}\n{}\ndefault {}\n",
            self.identity.line(),
            self.default.as_deref().unwrap_or("")
        );
        for (key, r) in &self.entries {
            out.push_str(&format!("{} {} {key}\n", r.start, r.end));
        }
        Some(out)
    }

    /// An index read back; `None` for anything else, which is then ignored.
    pub fn decode(text: &str) -> Option<Self> {
        let (identity, default, body) = header(text)?;
        let mut entries = Vec::new();
        let lines = body.strip_suffix('\n').unwrap_or(body);
        for line in lines.split('\n').filter(|_| !lines.is_empty()) {
            let (key, range) = entry(line, identity.len)?;
            let after_last = entries
                .last()
                .is_none_or(|(last, _): &(String, _)| last.as_str() < key);
            after_last.then_some(())?;
            entries.push((key.to_string(), range));
        }
        Some(Self {
            identity,
            default: default.map(str::to_owned),
            entries,
        })
    }
}

/// The identity, the default, and the entry lines.
fn header(text: &str) -> Option<(Identity, Option<&str>, &str)> {
    let rest = text.strip_prefix(MAGIC)?.strip_prefix('\n')?;
    let (id_line, rest) = rest.split_once('\n')?;
    let identity = Identity::parse_line(id_line)?;
    let (default_line, body) = rest.split_once('\n')?;
    let default = default_line.strip_prefix("default ")?;
    Some((identity, (!default.is_empty()).then_some(default), body))
}

/// One `START END KEY` line, its range within a file of `len` bytes.
fn entry(line: &str, len: u64) -> Option<(&str, Range<u64>)> {
    let mut parts = line.splitn(3, ' ');
    let start: u64 = parts.next()?.parse().ok()?;
    let end: u64 = parts.next()?.parse().ok()?;
    let key = parts.next()?;
    (start <= end && end <= len && !key.is_empty()).then_some((key, start..end))
}

/// What the index says of one key: its range, or (`None`) that the file has no such entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub key: String,
    pub range: Option<Range<u64>>,
}

/// An index read for one version of a file: its text, and its entries decoded once a second
/// key is looked up in it (`list` looks up every profile's; `token` one).
struct Read {
    path: PathBuf,
    identity: Identity,
    text: String,
    decoded: OnceLock<Option<Index>>,
}

impl Read {
    /// The first lookup searches the text without decoding it; later ones the decoded index.
    fn find(&self, key: Option<&str>, first: bool) -> Option<Hit> {
        let (identity, default, body) = header(&self.text)?;
        let key = key.or(default)?;
        if first {
            return scan(body, key, identity.len).map(|range| Hit {
                key: key.to_string(),
                range,
            });
        }
        let index = self
            .decoded
            .get_or_init(|| Index::decode(&self.text))
            .as_ref()?;
        Some(Hit {
            key: key.to_string(),
            range: index.range(key),
        })
    }
}

/// `key`'s range in the entry lines, by binary search over the sorted lines, each line met
/// checked; `None` for a garbled index. (The entry it points to is checked by its reader.)
fn scan(body: &str, key: &str, len: u64) -> Option<Option<Range<u64>>> {
    let body = body.strip_suffix('\n').unwrap_or(body);
    let bytes = body.as_bytes();
    // `lo` is always at the start of a line, `hi` just past the end of one.
    let (mut lo, mut hi) = (0usize, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = bytes[start..hi]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(hi, |p| start + p);
        let (k, range) = entry(body.get(start..end)?, len)?;
        match k.cmp(key) {
            std::cmp::Ordering::Equal => return Some(Some(range)),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    Some(None)
}

/// The index last read for each file, so that looking up every profile's entries reads and
/// decodes it once. Keys and offsets only, no values.
static MEMO: Mutex<Vec<Arc<Read>>> = Mutex::new(Vec::new());

/// What the index at `index_path` says of `key` (`None`: the default entry), when it describes
/// `file` as it is now; `None` when it cannot tell.
pub fn find(file: &File, index_path: &Path, key: Option<&str>) -> Option<Hit> {
    let now = Identity::of(&file.metadata().ok()?)?;
    let mut memo = MEMO.lock().ok()?;
    if let Some(read) = memo
        .iter()
        .find(|r| r.path == index_path && r.identity == now)
    {
        let read = Arc::clone(read);
        drop(memo);
        return read.find(key, false);
    }
    let text = fs::read_to_string(index_path).ok()?;
    (header(&text)?.0 == now).then_some(())?;
    let read = Arc::new(Read {
        path: index_path.to_path_buf(),
        identity: now,
        text,
        decoded: OnceLock::new(),
    });
    memo.retain(|r| r.path != index_path);
    memo.push(Arc::clone(&read));
    drop(memo);
    read.find(key, true)
}

/// The whole index at `index_path`, when it describes `file` as it is now (for a writer that
/// replaces a few entries and keeps the rest).
pub fn fresh(file: &File, index_path: &Path) -> Option<Index> {
    let now = Identity::of(&file.metadata().ok()?)?;
    Index::decode(&fs::read_to_string(index_path).ok()?).filter(|i| i.identity == now)
}

const COPY_MAGIC: &str = "oauth-setup copy 1";

/// Write `payload`, another form of the version `identity` of a file (the profiles as JSON,
/// quicker to read than their TOML), for [`fresh_copy`]. Best effort, like [`write`].
pub fn write_copy(copy_path: &Path, identity: Identity, payload: &str) {
    let text = format!("{COPY_MAGIC}\n{}\n{payload}", identity.line());
    if write_atomic_no_follow(copy_path, text.as_bytes()).is_err() {
        let _ = fs::remove_file(copy_path);
    }
}

/// The payload [`write_copy`] wrote for `file` as it is now; `None` for any other version.
pub fn fresh_copy(file: &File, copy_path: &Path) -> Option<String> {
    let now = Identity::of(&file.metadata().ok()?)?;
    let text = fs::read_to_string(copy_path).ok()?;
    let rest = text.strip_prefix(COPY_MAGIC)?.strip_prefix('\n')?;
    let (id_line, payload) = rest.split_once('\n')?;
    (Identity::parse_line(id_line)? == now).then(|| payload.to_string())
}

/// The bytes of `range` in `file` (wiped when dropped: an entry may be a secret), which must
/// be whole lines: the byte before it a newline (or none), and its last byte one (or the
/// file's last). An index that points into a line is refused, so no entry is read from the
/// middle of another.
pub fn read_range(file: &File, range: Range<u64>) -> io::Result<Zeroizing<Vec<u8>>> {
    let from = range.start.saturating_sub(1);
    let skip = usize::try_from(range.start - from).map_err(io::Error::other)?;
    let len = usize::try_from(range.end.saturating_sub(from)).map_err(io::Error::other)?;
    // One byte more than the range, to see whether the file ends with it.
    let mut buf = Zeroizing::new(vec![0u8; len + 1]);
    let got = read_at_most(file, &mut buf, from)?;
    if got < len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let inner = &buf[skip..len];
    let starts_line = skip == 0 || buf[0] == b'\n';
    let ends_line = inner.last() == Some(&b'\n') || (got == len && !inner.is_empty());
    if !(starts_line && ends_line) {
        return Err(io::Error::other("the index does not point at whole lines"));
    }
    Ok(Zeroizing::new(inner.to_vec()))
}

/// Read into `buf` from `offset` until it is full or the file ends; the bytes read.
#[cfg(unix)]
fn read_at_most(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(not(unix))]
fn read_at_most(_file: &File, _buf: &mut [u8], _offset: u64) -> io::Result<usize> {
    Err(io::Error::other("no index on this platform"))
}

/// Write the index of the file just written at `data_path` (following a symlink, as its writer
/// did). Best effort: on any failure the old index is removed, so it cannot be taken for this
/// file (it could not anyway: it names another).
pub fn write(index_path: &Path, data_path: &Path, default: Option<String>, entries: Ranges) {
    match fs::metadata(data_path).ok().and_then(|m| Identity::of(&m)) {
        Some(identity) => write_for(index_path, identity, default, entries),
        None => {
            let _ = fs::remove_file(index_path);
        }
    }
}

/// Write the index of the version `identity` of a file, as it was read (no lock is needed: the
/// index is used only for that version).
pub fn write_for(index_path: &Path, identity: Identity, default: Option<String>, entries: Ranges) {
    let text = Index {
        identity,
        default,
        entries,
    }
    .encode();
    let written = text.is_some_and(|t| write_atomic_no_follow(index_path, t.as_bytes()).is_ok());
    if !written {
        let _ = fs::remove_file(index_path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn identity(len: u64) -> Identity {
        Identity {
            dev: 2049,
            ino: 77,
            len,
            mtime_ns: 1_700_000_000_123_456_789,
            ctime_ns: -5,
        }
    }

    proptest! {
        /// Whatever the keys, an index reads back as written, or is not written at all.
        #[test]
        fn round_trip(keys in proptest::collection::vec(".{0,12}", 0..8), default in proptest::option::of(".{0,8}")) {
            let keys: std::collections::BTreeSet<String> = keys.into_iter().collect();
            let entries: Vec<(String, Range<u64>)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), (i as u64 * 10)..(i as u64 * 10 + 5)))
                .collect();
            let index = Index { identity: identity(1000), default, entries };
            match index.encode() {
                Some(text) => prop_assert_eq!(Index::decode(&text), Some(index)),
                None => prop_assert!(
                    index.entries.iter().any(|(k, _)| k.is_empty() || k.contains(['\n', '\r']) || k.trim() != k)
                        || index.default.as_deref().is_some_and(|d| d.is_empty() || d.contains(['\n', '\r']) || d.trim() != d)
                ),
            }
        }

        /// Garbage is never taken for an index, and never panics; the scan of the first lookup
        /// answers as the decoded index does.
        #[test]
        fn garbage_is_ignored(text in "([0-9 ]{0,6}[a-c]{0,2}[|]?){0,12}", key in "[a-c]{1,2}") {
            if let Some(index) = Index::decode(&text) {
                prop_assert!(text.starts_with(MAGIC));
                prop_assert!(index.entries.iter().all(|(_, r)| r.end <= index.identity.len));
            }
            let full = format!("{MAGIC}\nidentity 1 2 100 3 4\ndefault \n{}", text.replace('|', "\n"));
            if let Some(index) = Index::decode(&full) {
                let (_, _, body) = header(&full).unwrap();
                prop_assert_eq!(scan(body, &key, 100), Some(index.range(&key)));
            }
        }

        /// Any text at all: never taken for an index unless it is one, never a panic.
        #[test]
        fn any_text(text in "\\PC{0,300}", key in ".{1,4}") {
            let decoded = Index::decode(&text);
            prop_assert!(decoded.is_none() || text.starts_with(MAGIC));
            if let Some((identity, _, body)) = header(&text) {
                let _ = scan(body, &key, identity.len);
            }
        }

        /// On a valid index, the scan finds what the decoded index finds.
        #[test]
        fn scan_agrees(keys in proptest::collection::btree_set("[a-d]{1,3}", 0..10), key in "[a-d]{1,3}") {
            let entries = keys.iter().enumerate().map(|(i, k)| (k.clone(), (i as u64)..(i as u64 + 1))).collect();
            let index = Index { identity: identity(100), default: None, entries };
            let text = index.encode().unwrap();
            let (_, _, body) = header(&text).unwrap();
            prop_assert_eq!(scan(body, &key, 100), Some(index.range(&key)));
        }
    }

    /// Only whole lines are read: a range that starts or ends inside a line is refused.
    #[test]
    fn a_range_inside_a_line_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        fs::write(&path, "[a]\nx = 1\n[b]\ny = 2").unwrap();
        let file = File::open(&path).unwrap();
        let read =
            |r: Range<u64>| read_range(&file, r).map(|b| String::from_utf8(b.to_vec()).unwrap());
        assert_eq!(read(0..10).unwrap(), "[a]\nx = 1\n");
        assert_eq!(
            read(10..19).unwrap(),
            "[b]\ny = 2",
            "the last line, without a newline"
        );
        for inside in [1..10, 0..9, 5..10, 10..18, 4..4, 10..10] {
            assert!(read(inside.clone()).is_err(), "{inside:?}");
        }
        assert!(read(10..25).is_err(), "past the end");
    }

    #[test]
    fn a_range_past_the_file_is_refused() {
        let text = format!("{MAGIC}\nidentity 1 2 10 3 4\ndefault \n0 11 acme\n");
        assert_eq!(Index::decode(&text), None);
    }

    #[cfg(unix)]
    #[test]
    fn only_the_file_it_was_written_for() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let index = dir.path().join("data.index");
        crate::stores::atomic_file::write_atomic(&data, b"aa\nbb\n", None).unwrap();
        write(
            &index,
            &data,
            Some("b".into()),
            vec![("a".into(), 0..3), ("b".into(), 3..6)],
        );
        let file = File::open(&data).unwrap();
        let default = find(&file, &index, None).unwrap();
        assert_eq!(default.key, "b");
        assert_eq!(
            &read_range(&file, default.range.unwrap()).unwrap()[..],
            b"bb\n"
        );
        // Again (the decoded index), and a key it does not have.
        assert_eq!(find(&file, &index, Some("a")).unwrap().range, Some(0..3));
        assert_eq!(find(&file, &index, Some("z")).unwrap().range, None);
        // Replaced: another inode. Edited in place: another change time.
        crate::stores::atomic_file::write_atomic(&data, b"cccddd", None).unwrap();
        assert!(find(&File::open(&data).unwrap(), &index, Some("c")).is_none());
        write(&index, &data, None, vec![("c".into(), 0..3)]);
        assert_eq!(
            find(&File::open(&data).unwrap(), &index, Some("c"))
                .unwrap()
                .range,
            Some(0..3)
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        std::fs::write(&data, b"eeefff").unwrap();
        assert!(find(&File::open(&data).unwrap(), &index, Some("c")).is_none());
        std::fs::write(&index, "garbage").unwrap();
        assert!(find(&File::open(&data).unwrap(), &index, Some("c")).is_none());

        // The copy: for the version it was written for only.
        let copy = dir.path().join("data.copy");
        let now = Identity::of(&std::fs::metadata(&data).unwrap()).unwrap();
        write_copy(&copy, now, "{\"x\":1}");
        assert_eq!(
            fresh_copy(&File::open(&data).unwrap(), &copy).as_deref(),
            Some("{\"x\":1}")
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        std::fs::write(&data, b"gggggg").unwrap();
        assert_eq!(fresh_copy(&File::open(&data).unwrap(), &copy), None);
        std::fs::write(&copy, "oauth-setup copy 1\nidentity x\n{}").unwrap();
        assert_eq!(fresh_copy(&File::open(&data).unwrap(), &copy), None);
    }
}
