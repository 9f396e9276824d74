//! Throw-away PostgreSQL and MariaDB servers for cfssl-rs's tests (dev-only, not published).
//!
//! # Why
//!
//! The certificate database must behave the same on every driver cfssl supports, so both the
//! crate tests of `cfssl-db` and the black-box tests of the `cfssl-rs` binary run against real
//! servers. Starting one is fiddly (Debian keeps `initdb` and `postgres` off `PATH`, postgres
//! refuses to run as root, a server left running holds a port and a data folder), so it lives
//! here once instead of in each test file.
//!
//! Each [`Postgres`] / [`Mariadb`] is a fresh server: its data folder is a temporary directory,
//! it listens on a free loopback port only, runs as `nobody` when the tests run as root, and is
//! stopped by PID when the value is dropped — also when an assertion fails, because unwinding
//! drops it. As a second guard, the server gets SIGTERM from the kernel if the thread that
//! started it dies without unwinding (`setpriv --pdeathsig`), so keep the value in the test
//! function that started it.
//!
//! Without the server binaries, [`Postgres::start`] and [`Mariadb::start`] return `None` after
//! printing a skip line, or panic naming the missing programs when `CI=true` (scripts/test
//! installs them).
#![forbid(unsafe_code)]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    reason = "test support: failures are reported by panicking, as in the tests themselves"
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether `CI=true`: a missing tool is then a failure, not a skip.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports a missing tool: panics under `CI=true`, prints a skip line otherwise; returns
/// `found`.
pub fn tool_available(found: bool, tool: &str, what: &str) -> bool {
    if !found {
        if on_ci() {
            panic!("{tool} is required on CI (CI=true) for {what}, but was not found: install it");
        }
        eprintln!("SKIP {what}: {tool} not found");
    }
    found
}

/// `name` on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// A server process, stopped by PID when dropped, with its temporary folder.
struct Server {
    child: Child,
    name: &'static str,
    log: PathBuf,
    // Dropped after the process has stopped (fields drop after `Drop::drop`).
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM for a clean shutdown (postgres and mariadbd then stop their own children),
        // SIGKILL if that takes too long.
        let pid = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Waits up to 60 s for `ready`; panics with the server's log if it exits or never gets
    /// ready.
    fn wait_until(&mut self, mut ready: impl FnMut() -> bool) {
        let start = Instant::now();
        while !ready() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before accepting connections; its log:\n{}",
                    self.name,
                    log_tail(&self.log)
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{} did not accept connections within 60 s; its log:\n{}",
                self.name,
                log_tail(&self.log)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// `program` under setpriv: as the unprivileged user `nobody` when we are root (postgres
/// refuses to run as root) and with SIGTERM as its parent-death signal. setpriv replaces
/// itself with the program, so the child's PID is the server's own and the guard stops the
/// server itself (runuser forks: killing it left postgres running).
fn guarded(program: &Path, unprivileged: bool) -> Command {
    let mut c = Command::new("setpriv");
    if unprivileged && is_root() {
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
    }
    c.args(["--pdeathsig", "TERM", "--"]).arg(program);
    c
}

fn run_ok(mut cmd: Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PostgreSQL program from Debian's `/usr/lib/postgresql/VERSION/bin` (the newest), or
/// from `PATH`.
fn postgres_bin(name: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop().or_else(|| which(name))
}

/// A PostgreSQL server on `127.0.0.1:port()`. TCP connections authenticate with a password
/// (SCRAM), so a wrong one is refused; the superuser is [`Postgres::SUPERUSER`] with
/// [`Postgres::PASSWORD`].
pub struct Postgres {
    server: Server,
    port: u16,
}

impl Postgres {
    /// The superuser made by initdb.
    pub const SUPERUSER: &'static str = "postgres";
    /// The superuser's password.
    pub const PASSWORD: &'static str = "superuser-secret";

    /// Starts a server (initdb into a temporary folder, then `postgres` on a free loopback
    /// port) and waits until it accepts connections. `None` (after a skip line) when initdb or
    /// postgres is missing, unless `CI=true`; `what` names the test in those messages.
    pub fn start(what: &str) -> Option<Postgres> {
        let (Some(initdb), Some(postgres)) = (postgres_bin("initdb"), postgres_bin("postgres"))
        else {
            tool_available(false, "PostgreSQL (initdb, postgres)", what);
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            // The server runs as nobody and keeps its data and socket in here.
            rustix::fs::chown(
                dir.path(),
                Some(rustix::fs::Uid::from_raw(65534)),
                Some(rustix::fs::Gid::from_raw(65534)),
            )
            .unwrap();
        }
        let pwfile = dir.path().join("pwfile");
        std::fs::write(&pwfile, Self::PASSWORD).unwrap();
        let data = dir.path().join("data");
        let mut init = guarded(&initdb, true);
        init.arg("-D")
            .arg(&data)
            .args(["-U", Self::SUPERUSER, "-E", "UTF8", "--no-sync"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()));
        run_ok(init, "initdb");
        let port = free_port();
        let log = dir.path().join("server.log");
        let child = guarded(&postgres, true)
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(dir.path())
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start postgres: {e}"));
        let mut server = Server {
            child,
            name: "postgres",
            log,
            _dir: dir,
        };
        let url = Self::url_at(port, Self::SUPERUSER, Self::PASSWORD, "postgres");
        server.wait_until(|| postgres::Client::connect(&url, postgres::NoTls).is_ok());
        Some(Postgres { server, port })
    }

    /// The port it listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    fn url_at(port: u16, user: &str, password: &str, database: &str) -> String {
        format!("postgres://{user}:{password}@127.0.0.1:{port}/{database}?sslmode=disable")
    }

    /// A lib/pq URL for `user` with `password` on `database`, as cfssl's db-config has it.
    pub fn url(&self, user: &str, password: &str, database: &str) -> String {
        Self::url_at(self.port, user, password, database)
    }

    /// Runs `sql` on `database` as the superuser (several statements run as one transaction,
    /// so `CREATE DATABASE` needs a call of its own).
    pub fn execute(&self, database: &str, sql: &str) {
        let url = self.url(Self::SUPERUSER, Self::PASSWORD, database);
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("postgres {url}: {e}"));
        if let Err(e) = client.batch_execute(sql) {
            let message = e.as_db_error().map(|d| d.message().to_string());
            panic!(
                "postgres {sql}: {}",
                message.unwrap_or_else(|| e.to_string())
            );
        }
    }

    /// A login role `owner` with `password` and an empty database `name` it owns.
    pub fn create_database(&self, name: &str, owner: &str, password: &str) {
        self.execute(
            "postgres",
            &format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN \
                 CREATE ROLE \"{owner}\" LOGIN PASSWORD '{password}'; END IF; END $$"
            ),
        );
        self.execute(
            "postgres",
            &format!("CREATE DATABASE \"{name}\" OWNER \"{owner}\""),
        );
    }

    /// The `psql` client, if installed.
    pub fn client() -> Option<PathBuf> {
        postgres_bin("psql")
    }

    /// Runs `sql` on `database` with `psql` as the superuser, over TCP; returns the rows,
    /// unaligned, fields separated by `|`, one line each. Panics if psql fails.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let psql = Self::client().expect("psql not found (check with Postgres::client first)");
        let out = Command::new(&psql)
            .env("PGPASSWORD", Self::PASSWORD)
            .env_remove("PGSERVICE")
            .args(["-X", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", Self::SUPERUSER, "-d", database, "-c", sql])
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", psql.display()));
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The server's PID (for checking that dropping the value stops it).
    pub fn pid(&self) -> u32 {
        self.server.child.id()
    }
}

/// A MariaDB server on `127.0.0.1:port()`; the superuser is `root` without a password.
pub struct Mariadb {
    server: Server,
    port: u16,
}

impl Mariadb {
    /// The superuser made by mariadb-install-db (no password).
    pub const SUPERUSER: &'static str = "root";

    /// Starts a server (mariadb-install-db into a temporary folder, then mariadbd on a free
    /// loopback port) and waits until it accepts connections. `None` (after a skip line)
    /// when those programs are missing, unless `CI=true`.
    pub fn start(what: &str) -> Option<Mariadb> {
        let (Some(install), Some(mariadbd)) = (
            which("mariadb-install-db"),
            which("mariadbd")
                .or_else(|| Some(PathBuf::from("/usr/sbin/mariadbd")).filter(|p| p.is_file())),
        ) else {
            tool_available(false, "MariaDB (mariadb-install-db, mariadbd)", what);
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut init = Command::new(&install);
        init.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"]);
        if is_root() {
            init.arg("--user=root");
        }
        run_ok(init, "mariadb-install-db");
        let port = free_port();
        let log = dir.path().join("error.log");
        let file = |name: &str| dir.path().join(name).display().to_string();
        let mut cmd = guarded(&mariadbd, false);
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", file("mysqld.sock")))
            .arg(format!("--pid-file={}", file("mysqld.pid")))
            .arg(format!("--log-error={}", log.display()))
            .arg(format!("--port={port}"))
            .args(["--bind-address=127.0.0.1", "--skip-name-resolve"]);
        if is_root() {
            cmd.arg("--user=root");
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start mariadbd: {e}"));
        let mut server = Server {
            child,
            name: "mariadbd",
            log,
            _dir: dir,
        };
        server.wait_until(|| mysql::Conn::new(Self::opts(port)).is_ok());
        Some(Mariadb { server, port })
    }

    fn opts(port: u16) -> mysql::OptsBuilder {
        mysql::OptsBuilder::new()
            .ip_or_hostname(Some("127.0.0.1"))
            .tcp_port(port)
            .user(Some(Self::SUPERUSER))
    }

    /// The port it listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A go-sql-driver DSN for `user` with `password` (none when empty) on `database`, as
    /// cfssl's db-config has it.
    pub fn dsn(&self, user: &str, password: &str, database: &str) -> String {
        let credentials = if password.is_empty() {
            user.to_string()
        } else {
            format!("{user}:{password}")
        };
        format!(
            "{credentials}@tcp(127.0.0.1:{})/{database}?parseTime=true",
            self.port
        )
    }

    /// Runs `sql` (one statement per call) as the superuser.
    pub fn execute(&self, sql: &str) {
        use mysql::prelude::Queryable;
        let mut conn = mysql::Conn::new(Self::opts(self.port))
            .unwrap_or_else(|e| panic!("mariadb 127.0.0.1:{}: {e}", self.port));
        conn.query_drop(sql)
            .unwrap_or_else(|e| panic!("mariadb {sql}: {e}"));
    }

    /// A user `owner` with `password`, from any host, with every privilege on a new empty
    /// database `name`.
    pub fn create_database(&self, name: &str, owner: &str, password: &str) {
        self.execute(&format!("CREATE DATABASE `{name}`"));
        self.execute(&format!(
            "CREATE USER IF NOT EXISTS '{owner}'@'%' IDENTIFIED BY '{password}'"
        ));
        self.execute(&format!("GRANT ALL ON `{name}`.* TO '{owner}'@'%'"));
    }

    /// The `mariadb` (or `mysql`) client, if installed.
    pub fn client() -> Option<PathBuf> {
        which("mariadb").or_else(|| which("mysql"))
    }

    /// Runs `sql` on `database` with the `mariadb` client as the superuser, over TCP;
    /// returns the rows, tab-separated, one line each, without a header, values unescaped
    /// (`--raw`). Panics if it fails.
    pub fn query(&self, database: &str, sql: &str) -> String {
        let client = Self::client().expect("mariadb client not found (check with Mariadb::client)");
        let out = Command::new(&client)
            .arg("--no-defaults")
            .args([
                "--protocol=tcp",
                "-h",
                "127.0.0.1",
                "-P",
                &self.port.to_string(),
            ])
            .args([
                "-u",
                Self::SUPERUSER,
                "--batch",
                "--raw",
                "--skip-column-names",
            ])
            .args(["-e", sql, database])
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", client.display()));
        assert!(
            out.status.success(),
            "mariadb {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The server's PID (for checking that dropping the value stops it).
    pub fn pid(&self) -> u32 {
        self.server.child.id()
    }
}
