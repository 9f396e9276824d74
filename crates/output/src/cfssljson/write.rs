//! Step 4 of cfssljson, made all-or-nothing (docs/differences.md #11) and safe when several runs
//! write into one directory at the same time.
//!
//! cfssl calls `os.WriteFile` per file (docs/cfssl-compat.md §2 step 4): a failure leaves a partial set,
//! an existing key is silently truncated and rewritten, a replaced file keeps its old mode,
//! and two runs writing the same NAME at once interleave their files. Here:
//!
//! 1. Lock every directory the set goes to, for the whole write: an exclusive `flock(2)` on
//!    the hidden file `.cfssljson.lock` there (created with mode 0600, never through a
//!    symlink), waiting while another run holds it. Without the lock two runs both find no
//!    key in step 3; the loser, whose certificate has already replaced the winner's, removes
//!    it again in its rollback when its key's `link(2)` fails, or with `-overwrite` the two
//!    sets end up mixed file by file.
//! 2. Remove what killed runs left there (see "Leftovers" below).
//! 3. Refuse before writing anything if a private-key name exists (unless `overwrite_keys`),
//!    is a symlink (always), or any name is a directory or other non-regular file.
//! 4. Write every file to a fresh temporary file `.cfssljson-PID-N.tmp` in its target's
//!    directory, created with `O_CREAT|O_EXCL` and the file's mode from the first byte (the
//!    umask applies, as for `os.WriteFile`), and `fsync` it. Any failure removes the
//!    temporaries: nothing changed.
//! 5. Move each into place with `rename(2)`, keeping a hard-linked backup
//!    `.cfssljson-PID-N.bak` of any file it replaces. A key that must not be replaced is moved
//!    with `link(2)`, which fails if the name appeared in the meantime. If a step fails, the
//!    files already moved are put back from their backups, or removed if they are new and
//!    still the very file this run created (same device and inode): the old set stays intact.
//! 6. Remove the backups, `fsync` the directories, remove the lock file and unlock.
//!
//! A replaced file therefore gets the new file's mode, not the old one (cfssl keeps the old),
//! and a symlink at a certificate or CSR name is replaced by the file, its target untouched
//! (cfssl writes through it). Where the file system has no hard links, the backup is made by
//! renaming the old file to `.cfssljson-PID-N.old`, so it is briefly absent under its name.
//!
//! **The lock** is one per directory, not one per NAME: its name has a fixed length (a
//! `.NAME.lock` would exceed the 255-byte limit for some NAMEs whose `NAME.pem` fits), one lock
//! covers a `sign -batch` of many names, and while it is held no other run can be in steps 2–6
//! there, so every temporary file found in step 2 is a leftover. Runs for different names in
//! one directory thus wait for each other, for the few milliseconds a write takes. The loser
//! of a race for one NAME then sees the winner's complete set in step 3: it fails naming the
//! existing key, or with `-overwrite` replaces the whole set with its own.
//!
//! The lock file is removed in step 6 while still locked, so no trace of it stays. That is safe
//! because a run that obtains the lock checks that the file it locked is still the one at the
//! path (same device and inode), and starts over otherwise: a run that was waiting on the
//! removed file then creates or opens the new one. A run killed while holding the lock releases
//! it (the kernel closes the file) and leaves the empty file behind, which the next run reuses
//! and removes. Where the file system cannot lock (`ENOLCK`, `EOPNOTSUPP`: some network file
//! systems), the write goes ahead unlocked, as before the lock existed, step 2 is skipped, and
//! the folder is reported in [`Written::unlocked_dirs`] so that the caller warns.
//!
//! **Names.** The temporary and backup names do not contain the target's name, so that any
//! name the file system accepts for the final file works: `.NAME-key.pem.PID.N.tmp` was over
//! 255 bytes for a NAME of 233 characters or more. They carry the process id instead, for step 2.
//!
//! **Leftovers.** A run killed between steps 4 and 6 (`SIGKILL`, a crash, a power cut) leaves
//! its temporary files, one maybe holding a private key (mode 0600), and its backups. Step 2
//! removes every *regular file* in the locked directory named exactly `.cfssljson-PID-N.tmp` or
//! `.cfssljson-PID-N.bak` (decimal numbers) whose PID is no running process (`kill(PID, 0)`
//! fails with `ESRCH`); a symlink or any other name is left alone, and nothing is followed. The
//! PID test is a second safeguard, since under the lock no other run is writing there: a file
//! whose PID has been reused by an unrelated process stays until a run after that process has
//! ended. A `.old` file is never removed: after a crash it may be the only copy of a file that
//! its run was replacing. A run killed in the middle of step 5 can leave a set with some files
//! new and some old; running it again replaces the set.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use rustix::fs::{FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use super::{CfssljsonError, OutputFile, go_os_error};

/// How many names to try for a temporary or backup file, or times to try for the lock file,
/// before giving up.
const NAME_ATTEMPTS: u32 = 1000;

/// The lock file of a directory (step 1).
const LOCK_NAME: &str = ".cfssljson.lock";

/// Start of every temporary and backup name: `.cfssljson-PID-N.SUFFIX`.
const HIDDEN_PREFIX: &str = ".cfssljson-";

/// Suffix of a temporary file (step 4); removed in step 2 when its run is dead.
const TEMP_SUFFIX: &str = "tmp";

/// Suffix of a hard-linked backup (step 5); removed in step 2 when its run is dead.
const BACKUP_SUFFIX: &str = "bak";

/// Suffix of a file renamed away where there are no hard links; never removed in step 2.
const MOVED_SUFFIX: &str = "old";

/// The `N` of the next hidden name: unique within this process, whatever the directory.
static NEXT_HIDDEN: AtomicU32 = AtomicU32::new(0);

/// Writes `files` into `dir` all-or-nothing (docs/differences.md #11); see the module rules above.
///
/// `overwrite_keys` (cfssljson-rs `-overwrite`) allows replacing an existing `*-key.pem` or
/// `*-key.enc`; a symlink at a key name is refused even then. A concurrent call for the same
/// directory, in this process or another, waits until this one is done.
///
/// ```
/// use cfssl_output::{parse_input, plan_files, write_files_atomically};
/// let dir = tempfile::tempdir()?;
/// let files = plan_files(&parse_input(br#"{"cert":"C\n","key":"K\n"}"#)?, "ca")?;
/// write_files_atomically(dir.path(), &files, false)?;
/// assert_eq!(std::fs::read_to_string(dir.path().join("ca-key.pem"))?, "K\n");
/// // A second run would replace the key: refused, and nothing is written.
/// assert!(write_files_atomically(dir.path(), &files, false).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_files_atomically(
    dir: &Path,
    files: &[OutputFile],
    overwrite_keys: bool,
) -> Result<Written, CfssljsonError> {
    write_with(dir, files, overwrite_keys, &lock_dir, &mut |from, to| {
        fs::rename(from, to)
    })
}

/// What [`write_files_atomically`] wants its caller to know about a successful write.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Folders whose file system cannot lock (`ENOLCK`, `EOPNOTSUPP`): the files were written
    /// without excluding a concurrent run. The caller should say so (cfssljson-rs warns).
    pub unlocked_dirs: Vec<PathBuf>,
}

/// A file written to its temporary name, waiting to be moved into place.
struct Staged<'a> {
    file: &'a OutputFile,
    /// The name as shown in messages.
    shown: String,
    target: PathBuf,
    temp: PathBuf,
    /// Device and inode of the file this run created, which keep with it under its new name.
    created: (u64, u64),
}

/// A file moved into place, and how to undo that.
struct Installed {
    target: PathBuf,
    /// See [`Staged::created`]: a rollback removes the target only if it is still this file.
    created: (u64, u64),
    backup: Option<Backup>,
}

/// [`write_files_atomically`] with the final `rename` injectable, so tests can make it fail.
fn write_with(
    dir: &Path,
    files: &[OutputFile],
    overwrite_keys: bool,
    lock: &dyn Fn(&Path) -> io::Result<Option<DirLock>>,
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
) -> Result<Written, CfssljsonError> {
    // Steps 1 and 2. The locks are released, and their files removed, when `locks` is dropped:
    // after everything else, whatever the outcome.
    let mut locks = Vec::new();
    let mut report = Written::default();
    for (parent, first) in target_dirs(dir, files)? {
        match lock(&parent) {
            Ok(Some(lock)) => {
                remove_leftovers(&parent);
                locks.push(lock);
            }
            Ok(None) => report.unlocked_dirs.push(parent.clone()),
            Err(e) => {
                let lock = Path::new(first).with_file_name(LOCK_NAME);
                return Err(CfssljsonError::Lock {
                    path: display(dir, first),
                    lock: display(dir, &lock.to_string_lossy()),
                    message: go_os_error(&e),
                });
            }
        }
    }
    let written = write_locked(dir, files, overwrite_keys, rename);
    drop(locks);
    written.map(|()| report)
}

/// Steps 3 to 6 but the unlocking, with the directories locked.
fn write_locked(
    dir: &Path,
    files: &[OutputFile],
    overwrite_keys: bool,
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
) -> Result<(), CfssljsonError> {
    for file in files {
        check_target(dir, file, overwrite_keys)?;
    }

    let mut staged: Vec<Staged<'_>> = Vec::with_capacity(files.len());
    for file in files {
        match stage(dir, file) {
            Ok(s) => staged.push(s),
            Err(e) => {
                remove_temps(&staged);
                return Err(e);
            }
        }
    }

    if let Err(e) = make_durable(dir, &staged) {
        remove_temps(&staged);
        let name = files.first().map_or("", |f| f.name.as_str());
        return Err(write_error(dir, name, &e));
    }

    let mut installed: Vec<Installed> = Vec::with_capacity(staged.len());
    for (i, s) in staged.iter().enumerate() {
        if let Err(error) = install(s, overwrite_keys, rename, &mut installed) {
            let rest = staged.get(i..).unwrap_or(&[]);
            remove_temps(rest);
            return Err(match roll_back(&installed) {
                Ok(()) => error,
                Err(rollback) => {
                    let (path, message) = match error {
                        CfssljsonError::Write { path, message } => (path, message),
                        other => (s.shown.clone(), other.to_string()),
                    };
                    CfssljsonError::RollbackFailed {
                        path,
                        message,
                        rollback,
                    }
                }
            });
        }
    }

    for done in &installed {
        if let Some(backup) = &done.backup {
            // The new set is complete; a stale hidden backup is harmless if this fails.
            let _ = fs::remove_file(&backup.path);
        }
    }
    sync_dirs(&staged);
    Ok(())
}

/// The name to show for a file: as the user gave it when writing to the current directory.
fn display(dir: &Path, name: &str) -> String {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        name.to_owned()
    } else {
        dir.join(name).display().to_string()
    }
}

fn write_error(dir: &Path, name: &str, err: &io::Error) -> CfssljsonError {
    CfssljsonError::Write {
        path: display(dir, name),
        message: go_os_error(err),
    }
}

/// Step 3: may this name be (re)written?
fn check_target(dir: &Path, file: &OutputFile, overwrite_keys: bool) -> Result<(), CfssljsonError> {
    let path = display(dir, &file.name);
    match fs::symlink_metadata(dir.join(&file.name)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(write_error(dir, &file.name, &e)),
        Ok(meta) => {
            let kind = meta.file_type();
            if file.is_private_key && kind.is_symlink() {
                Err(CfssljsonError::KeySymlink { path })
            } else if kind.is_dir() || (file.is_private_key && !kind.is_file()) {
                Err(CfssljsonError::NotAFile { path })
            } else if file.is_private_key && !overwrite_keys {
                Err(CfssljsonError::KeyExists { path })
            } else {
                Ok(())
            }
        }
    }
}

/// A new hidden name next to `target`: `.cfssljson-PID-N.SUFFIX`, short whatever the target's
/// name (module doc, "Names").
fn hidden_sibling(target: &Path, suffix: &str) -> PathBuf {
    let n = NEXT_HIDDEN.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(
        "{HIDDEN_PREFIX}{}-{n}.{suffix}",
        std::process::id()
    ))
}

/// The directories `files` go to, each with the name of its first file (for messages), once
/// each even if spelled in two ways, in a fixed order (device, inode) so that two runs locking
/// the same directories never wait for each other crosswise.
fn target_dirs<'a>(
    dir: &Path,
    files: &'a [OutputFile],
) -> Result<Vec<(PathBuf, &'a str)>, CfssljsonError> {
    let mut found: Vec<((u64, u64), PathBuf, &'a str)> = Vec::new();
    for file in files {
        let target = dir.join(&file.name);
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if found.iter().any(|(_, known, _)| known == parent) {
            continue;
        }
        let meta = fs::metadata(parent).map_err(|e| write_error(dir, &file.name, &e))?;
        if !meta.is_dir() {
            return Err(write_error(dir, &file.name, &Errno::NOTDIR.into()));
        }
        let id = (meta.dev(), meta.ino());
        if !found.iter().any(|(known, _, _)| *known == id) {
            found.push((id, parent.to_path_buf(), &file.name));
        }
    }
    found.sort_by_key(|(id, _, _)| *id);
    Ok(found
        .into_iter()
        .map(|(_, parent, first)| (parent, first))
        .collect())
}

/// Step 1 for one directory: an exclusive `flock(2)` on its lock file, held until dropped.
struct DirLock {
    path: PathBuf,
    /// Closing it (after [`Drop::drop`] has removed the file) releases the lock.
    file: File,
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Still locked here: a run waiting on this file will find it gone and start over.
        if let Ok(meta) = self.file.metadata() {
            remove_if_same(&self.path, &meta);
        }
    }
}

/// Locks `dir`, waiting for a concurrent run; `None` where the file system cannot lock.
fn lock_dir(dir: &Path) -> io::Result<Option<DirLock>> {
    let path = dir.join(LOCK_NAME);
    for _ in 0..NAME_ATTEMPTS {
        let fd = rustix::fs::open(
            &path,
            // NONBLOCK: a FIFO planted at the name must not hang the open.
            OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::RUSR | Mode::WUSR,
        )?;
        let file = File::from(fd);
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::other("it is not a regular file"));
        }
        loop {
            match rustix::fs::flock(&file, FlockOperation::LockExclusive) {
                Ok(()) => break,
                Err(Errno::INTR) => {}
                Err(e) if e == Errno::NOLCK || e == Errno::NOTSUP || e == Errno::OPNOTSUPP => {
                    drop(file);
                    return Ok(None);
                }
                Err(e) => return Err(e.into()),
            }
        }
        // The previous holder removes the file before unlocking; if we waited on that one,
        // the lock we hold excludes nobody: try again with whatever is at the path now.
        if same_file(&path, &meta) {
            return Ok(Some(DirLock { path, file }));
        }
    }
    Err(io::Error::other(
        "it was removed and re-created too many times while we waited",
    ))
}

/// Is `path` itself (not a symlink's target) the file `meta` describes?
fn same_file(path: &Path, meta: &fs::Metadata) -> bool {
    fs::symlink_metadata(path).is_ok_and(|now| now.dev() == meta.dev() && now.ino() == meta.ino())
}

fn remove_if_same(path: &Path, meta: &fs::Metadata) {
    if same_file(path, meta) {
        let _ = fs::remove_file(path);
    }
}

/// The PID in a name of a removable leftover, exactly `.cfssljson-PID-N.tmp` or
/// `.cfssljson-PID-N.bak` as [`hidden_sibling`] makes them (decimal, no sign, no leading zero).
fn leftover_pid(name: &str) -> Option<i32> {
    let rest = name.strip_prefix(HIDDEN_PREFIX)?;
    let (rest, suffix) = rest.rsplit_once('.')?;
    if suffix != TEMP_SUFFIX && suffix != BACKUP_SUFFIX {
        return None;
    }
    let (pid, n) = rest.split_once('-')?;
    let decimal = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    if !decimal(pid) || !decimal(n) {
        return None;
    }
    n.parse::<u32>().ok()?;
    pid.parse::<i32>().ok().filter(|pid| *pid > 0)
}

/// Whether a process `pid` exists: `kill(pid, 0)` fails with `ESRCH` only if none does
/// (`EPERM` means it exists but belongs to someone else).
fn process_exists(pid: i32) -> bool {
    rustix::process::Pid::from_raw(pid)
        .is_none_or(|pid| !matches!(rustix::process::test_kill_process(pid), Err(Errno::SRCH)))
}

/// Step 2: removes the temporary files and backups of dead runs from the locked `dir`. Best
/// effort: what cannot be read or removed stays, and the write goes on.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(leftover_pid) else {
            continue;
        };
        if process_exists(pid) {
            continue;
        }
        let path = entry.path();
        // Only a regular file; `symlink_metadata` and `remove_file` never follow a symlink.
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Step 4: write the contents to a new temporary file next to the target.
fn stage<'a>(dir: &Path, file: &'a OutputFile) -> Result<Staged<'a>, CfssljsonError> {
    let target = dir.join(&file.name);
    let mut last = None;
    for _ in 0..NAME_ATTEMPTS {
        let temp = hidden_sibling(&target, TEMP_SUFFIX);
        // The mode is set at creation: a key is never readable by others, not even briefly.
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(file.mode)
            .open(&temp);
        match opened {
            Ok(mut handle) => {
                // Made durable for the whole set at once by `make_durable`.
                let written = handle
                    .write_all(&file.contents)
                    .and_then(|()| handle.metadata());
                return match written {
                    Ok(meta) => Ok(Staged {
                        file,
                        shown: display(dir, &file.name),
                        target,
                        temp,
                        created: (meta.dev(), meta.ino()),
                    }),
                    Err(e) => {
                        drop(handle);
                        let _ = fs::remove_file(&temp);
                        Err(write_error(dir, &file.name, &e))
                    }
                };
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(write_error(dir, &file.name, &e)),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists));
    Err(write_error(dir, &file.name, &e))
}

/// Above this many files one `syncfs(2)` is cheaper than an `fsync(2)` per file (a
/// `sign -batch` of thousands of certificates would otherwise wait on the disk each time).
const PER_FILE_SYNC_LIMIT: usize = 8;

/// Flushes the staged temporary files to disk before any of them is renamed into place, so
/// that after a crash a name holds either its old content or its complete new content.
fn make_durable(dir: &Path, staged: &[Staged<'_>]) -> io::Result<()> {
    if staged.len() > PER_FILE_SYNC_LIMIT {
        let base = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let handle = File::open(base)?;
        return rustix::fs::syncfs(&handle).map_err(io::Error::from);
    }
    for s in staged {
        File::open(&s.temp)?.sync_all()?;
    }
    Ok(())
}

fn remove_temps(staged: &[Staged<'_>]) {
    for s in staged {
        let _ = fs::remove_file(&s.temp);
    }
}

/// Keeps the file a target replaces until the whole set is in place.
struct Backup {
    path: PathBuf,
    /// The target was renamed away (no hard links here) rather than linked.
    moved: bool,
}

/// Hard-links `target` to a fresh hidden backup name, or, where the file system has no hard
/// links, renames it there; `None` if the target does not exist.
fn back_up(target: &Path) -> io::Result<Option<Backup>> {
    if let Err(e) = fs::symlink_metadata(target) {
        return if e.kind() == io::ErrorKind::NotFound {
            Ok(None)
        } else {
            Err(e)
        };
    }
    let mut last = None;
    for _ in 0..NAME_ATTEMPTS {
        let path = hidden_sibling(target, BACKUP_SUFFIX);
        if fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        match fs::hard_link(target, &path) {
            Ok(()) => return Ok(Some(Backup { path, moved: false })),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(_) => return move_away(target).map(Some),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)))
}

/// The backup where there are no hard links: `target` renamed to a name that step 2 never
/// removes, since until the new file is in place it is the only copy.
fn move_away(target: &Path) -> io::Result<Backup> {
    for _ in 0..NAME_ATTEMPTS {
        let path = hidden_sibling(target, MOVED_SUFFIX);
        if fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        return fs::rename(target, &path).map(|()| Backup { path, moved: true });
    }
    Err(io::Error::from(io::ErrorKind::AlreadyExists))
}

/// Step 5 for one file. On success the file is recorded in `installed`.
fn install(
    s: &Staged<'_>,
    overwrite_keys: bool,
    rename: &mut dyn FnMut(&Path, &Path) -> io::Result<()>,
    installed: &mut Vec<Installed>,
) -> Result<(), CfssljsonError> {
    let fail = |e: &io::Error| CfssljsonError::Write {
        path: s.shown.clone(),
        message: go_os_error(e),
    };
    if s.file.is_private_key && !overwrite_keys {
        // link(2) never replaces: a key that appeared since step 3 is not clobbered.
        match fs::hard_link(&s.temp, &s.target) {
            Ok(()) => {
                installed.push(Installed {
                    target: s.target.clone(),
                    created: s.created,
                    backup: None,
                });
                let _ = fs::remove_file(&s.temp);
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(CfssljsonError::KeyExists {
                    path: s.shown.clone(),
                });
            }
            // No hard links on this file system: fall through to rename after re-checking.
            Err(_) => {
                if fs::symlink_metadata(&s.target).is_ok() {
                    return Err(CfssljsonError::KeyExists {
                        path: s.shown.clone(),
                    });
                }
            }
        }
    }
    let backup = back_up(&s.target).map_err(|e| fail(&e))?;
    match rename(&s.temp, &s.target) {
        Ok(()) => {
            installed.push(Installed {
                target: s.target.clone(),
                created: s.created,
                backup,
            });
            Ok(())
        }
        Err(e) => {
            match backup {
                Some(b) if b.moved => {
                    if let Err(restore) = fs::rename(&b.path, &s.target) {
                        return Err(CfssljsonError::RollbackFailed {
                            path: s.shown.clone(),
                            message: go_os_error(&e),
                            rollback: format!(
                                "{} is at {}: {}",
                                s.shown,
                                b.path.display(),
                                go_os_error(&restore)
                            ),
                        });
                    }
                }
                Some(b) => {
                    let _ = fs::remove_file(&b.path);
                }
                None => {}
            }
            Err(fail(&e))
        }
    }
}

/// Undoes the installed files, newest first. Returns a description of what could not be
/// restored.
fn roll_back(installed: &[Installed]) -> Result<(), String> {
    let mut problems = Vec::new();
    for done in installed.iter().rev() {
        let restored = match &done.backup {
            Some(backup) => fs::rename(&backup.path, &done.target),
            // Only what this run created: never a file someone else put there since.
            None => match fs::symlink_metadata(&done.target) {
                Ok(now) if (now.dev(), now.ino()) == done.created => fs::remove_file(&done.target),
                _ => Ok(()),
            },
        };
        if let Err(e) = restored {
            problems.push(format!("{}: {}", done.target.display(), go_os_error(&e)));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Makes the renames durable. Best effort: not every file system supports syncing a
/// directory, and the files themselves are already synced.
fn sync_dirs(staged: &[Staged<'_>]) {
    let mut done: Vec<&Path> = Vec::new();
    for s in staged {
        let parent = match s.target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !done.contains(&parent) {
            if let Ok(handle) = File::open(parent) {
                let _ = handle.sync_all();
            }
            done.push(parent);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use std::os::unix::fs::{PermissionsExt as _, symlink};

    use super::*;
    use crate::cfssljson::{parse_input, plan_files};

    fn files(json: &str, base: &str) -> Vec<OutputFile> {
        plan_files(&parse_input(json.as_bytes()).unwrap(), base).unwrap()
    }

    fn listing(dir: &Path) -> Vec<(String, String, u32)> {
        let mut out: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let meta = fs::symlink_metadata(e.path()).unwrap();
                let contents = if meta.is_file() {
                    fs::read_to_string(e.path()).unwrap()
                } else {
                    String::from("<not a file>")
                };
                (
                    e.file_name().to_string_lossy().into_owned(),
                    contents,
                    meta.permissions().mode() & 0o7777,
                )
            })
            .collect();
        out.sort();
        out
    }

    const ALL: &str = r#"{"cert":"C2","key":"K2","csr":"R2"}"#;

    /// A file system that cannot lock (some network file systems): the files are written
    /// all the same, and the folder is reported so that the caller warns; a locking one is
    /// not reported.
    #[test]
    fn a_folder_that_cannot_lock_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let no_lock = |_: &Path| -> io::Result<Option<DirLock>> { Ok(None) };
        let written = write_with(
            dir.path(),
            &files(ALL, "x"),
            false,
            &no_lock,
            &mut |from, to| fs::rename(from, to),
        )
        .unwrap();
        assert_eq!(written.unlocked_dirs, [dir.path().to_path_buf()]);
        assert_eq!(
            fs::read_to_string(dir.path().join("x-key.pem")).unwrap(),
            "K2"
        );
        let other = tempfile::tempdir().unwrap();
        let locked = write_files_atomically(other.path(), &files(ALL, "x"), false).unwrap();
        assert_eq!(locked, Written::default());
    }

    #[test]
    fn writes_new_files() {
        let dir = tempfile::tempdir().unwrap();
        write_files_atomically(dir.path(), &files(ALL, "x"), false).unwrap();
        let l = listing(dir.path());
        assert_eq!(
            l.iter()
                .map(|(n, c, _)| (n.as_str(), c.as_str()))
                .collect::<Vec<_>>(),
            [("x-key.pem", "K2"), ("x.csr", "R2"), ("x.pem", "C2")]
        );
        // Key mode is exactly 0600 whatever the umask (0600 & ~umask for any usual umask).
        assert_eq!(l[0].2, 0o600);
    }

    #[test]
    fn replaces_with_new_mode_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("x.pem");
        fs::write(&cert, "old").unwrap();
        fs::set_permissions(&cert, fs::Permissions::from_mode(0o600)).unwrap();
        let key = dir.path().join("x-key.pem");
        fs::write(&key, "oldkey").unwrap();
        fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
        write_files_atomically(dir.path(), &files(ALL, "x"), true).unwrap();
        let l = listing(dir.path());
        assert_eq!(l.len(), 3, "{l:?}");
        assert_eq!(fs::read_to_string(&key).unwrap(), "K2");
        assert_eq!(
            fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // The cert was 0600; it now has the mode of a new cert (0664 & ~umask), never 0600.
        assert_ne!(
            fs::metadata(&cert).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn existing_key_refused_and_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x-key.pem"), "old").unwrap();
        let err = write_files_atomically(dir.path(), &files(ALL, "x"), false).unwrap_err();
        assert!(matches!(err, CfssljsonError::KeyExists { .. }), "{err}");
        assert!(err.to_string().contains("x-key.pem"));
        assert!(err.to_string().contains("-overwrite"));
        assert_eq!(listing(dir.path()).len(), 1);
    }

    #[test]
    fn key_symlink_refused_even_with_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        fs::write(&elsewhere, "victim").unwrap();
        symlink(&elsewhere, dir.path().join("x-key.pem")).unwrap();
        let err = write_files_atomically(dir.path(), &files(ALL, "x"), true).unwrap_err();
        assert!(matches!(err, CfssljsonError::KeySymlink { .. }), "{err}");
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "victim");
        assert_eq!(listing(dir.path()).len(), 2);
        // A dangling link is refused too.
        let dir2 = tempfile::tempdir().unwrap();
        symlink(dir2.path().join("nowhere"), dir2.path().join("x-key.pem")).unwrap();
        assert!(write_files_atomically(dir2.path(), &files(ALL, "x"), true).is_err());
        assert!(!dir2.path().join("nowhere").exists());
    }

    #[test]
    fn directory_in_the_way() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x.pem"), "old").unwrap();
        fs::create_dir(dir.path().join("x.csr")).unwrap();
        let err = write_files_atomically(dir.path(), &files(ALL, "x"), false).unwrap_err();
        assert!(matches!(err, CfssljsonError::NotAFile { .. }), "{err}");
        let l = listing(dir.path());
        assert_eq!(l.len(), 2, "{l:?}");
        assert_eq!(fs::read_to_string(dir.path().join("x.pem")).unwrap(), "old");
    }

    #[test]
    fn missing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_files_atomically(dir.path(), &files(ALL, "sub/x"), false).unwrap_err();
        assert!(err.to_string().contains("sub/x.pem"), "{err}");
        assert!(
            err.to_string().contains("no such file or directory"),
            "{err}"
        );
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn failed_rename_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x.pem"), "C1").unwrap();
        fs::write(dir.path().join("x-key.pem"), "K1").unwrap();
        let before = listing(dir.path());
        // Fail the third rename (the CSR): cert and key are already replaced by then.
        let mut calls = 0;
        let mut rename = |from: &Path, to: &Path| {
            calls += 1;
            if calls == 3 {
                Err(io::Error::from_raw_os_error(28))
            } else {
                fs::rename(from, to)
            }
        };
        let err =
            write_with(dir.path(), &files(ALL, "x"), true, &lock_dir, &mut rename).unwrap_err();
        assert_eq!(calls, 3);
        assert!(err.to_string().contains("x.csr"), "{err}");
        assert!(err.to_string().contains("no space left on device"), "{err}");
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn failed_rename_removes_new_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut calls = 0;
        let mut rename = |from: &Path, to: &Path| {
            calls += 1;
            if calls == 2 {
                Err(io::Error::from_raw_os_error(5))
            } else {
                fs::rename(from, to)
            }
        };
        // Without -overwrite the key goes in by link(2), so only cert and csr use rename.
        assert!(write_with(dir.path(), &files(ALL, "x"), false, &lock_dir, &mut rename).is_err());
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn rollback_removes_only_what_this_run_created() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("x.pem");
        // The cert goes in by rename, the key by link(2); the CSR's rename fails, after
        // someone else (not holding the lock) has replaced the cert with a file of theirs.
        let mut calls = 0;
        let mut rename = |from: &Path, to: &Path| {
            calls += 1;
            if calls == 2 {
                let theirs = dir.path().join("theirs");
                fs::write(&theirs, "THEIRS").unwrap();
                fs::rename(&theirs, &cert).unwrap();
                Err(io::Error::from_raw_os_error(5))
            } else {
                fs::rename(from, to)
            }
        };
        assert!(write_with(dir.path(), &files(ALL, "x"), false, &lock_dir, &mut rename).is_err());
        let l = listing(dir.path());
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(fs::read_to_string(&cert).unwrap(), "THEIRS");
    }

    #[test]
    fn a_second_writer_waits_for_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_dir(dir.path()).unwrap().unwrap();
        let lock = dir.path().join(LOCK_NAME);
        assert_eq!(
            fs::metadata(&lock).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let path = dir.path().to_path_buf();
        let writer = std::thread::spawn(move || {
            write_files_atomically(&path, &files(ALL, "x"), false).map_err(|e| e.to_string())
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!dir.path().join("x.pem").exists(), "wrote without the lock");
        drop(held);
        writer.join().unwrap().unwrap();
        // Both lock holders removed the lock file; the waiter re-created its own.
        let l = listing(dir.path());
        assert_eq!(l.len(), 3, "{l:?}");
    }

    #[test]
    fn a_waiter_on_a_removed_lock_file_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_dir(dir.path()).unwrap().unwrap();
        let path = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let lock = lock_dir(&path).unwrap().unwrap();
            // What it holds is the file at the path, not the one `first` removed.
            let meta = lock.file.metadata().unwrap();
            same_file(&path.join(LOCK_NAME), &meta)
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        drop(first);
        assert!(waiter.join().unwrap());
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn lock_file_symlink_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        fs::write(&elsewhere, "victim").unwrap();
        symlink(&elsewhere, dir.path().join(LOCK_NAME)).unwrap();
        let err = write_files_atomically(dir.path(), &files(ALL, "x"), false).unwrap_err();
        assert!(matches!(err, CfssljsonError::Lock { .. }), "{err}");
        assert!(err.to_string().contains(".cfssljson.lock"), "{err}");
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "victim");
        assert_eq!(listing(dir.path()).len(), 2);
    }

    #[test]
    fn leftover_names() {
        assert_eq!(leftover_pid(".cfssljson-123-0.tmp"), Some(123));
        assert_eq!(leftover_pid(".cfssljson-1-45.bak"), Some(1));
        for name in [
            ".cfssljson-123-0.old",
            ".cfssljson-123-0.tmp.x",
            ".cfssljson-0-0.tmp",
            ".cfssljson-0123-0.tmp",
            ".cfssljson-+123-0.tmp",
            ".cfssljson--123-0.tmp",
            ".cfssljson-123-.tmp",
            ".cfssljson-123.tmp",
            ".cfssljson-123-0-1.tmp",
            ".cfssljson-99999999999-0.tmp",
            "cfssljson-123-0.tmp",
            ".x.pem.123.0.tmp",
            LOCK_NAME,
        ] {
            assert_eq!(leftover_pid(name), None, "{name}");
        }
        // What this process makes is recognised (and its own PID is alive, so kept).
        let made = hidden_sibling(Path::new("d/x-key.pem"), TEMP_SUFFIX);
        let name = made.file_name().unwrap().to_str().unwrap();
        assert_eq!(leftover_pid(name), i32::try_from(std::process::id()).ok());
        assert!(process_exists(i32::try_from(std::process::id()).unwrap()));
    }

    #[test]
    fn umask_applies_to_new_files() {
        // The test process umask is what the files get masked with; 0o664 & ~umask.
        let dir = tempfile::tempdir().unwrap();
        write_files_atomically(dir.path(), &files(r#"{"cert":"C"}"#, "x"), false).unwrap();
        let mode = fs::metadata(dir.path().join("x.pem"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode & !0o664, 0, "{mode:o}");
    }
}
