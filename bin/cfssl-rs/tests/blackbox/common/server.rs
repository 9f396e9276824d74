//! A `cfssl-rs` server (`serve`, `multirootca`, `ocspserve`) started by a test: its stderr
//! collected as it comes, its port read from the `Now listening on …` line, and the process
//! killed by PID when the guard is dropped — also when the test fails.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running server.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `cfssl-rs ARGS` in `dir` (the arguments must make it listen on port 0 of a
    /// loopback address) and waits for `Now listening`.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        Self::start_with_env(dir, args, &[])
    }

    /// [`Server::start`] with extra environment variables.
    pub fn start_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cfssl-rs"))
            .args(args)
            .envs(env.iter().copied())
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // Into the log before the port is announced, so that a test that has the
                // port also finds the `Now listening` line in the log.
                {
                    let mut log = sink.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
                if let Some(rest) = line.split("Now listening ").nth(1) {
                    let port = rest.rsplit(':').next().unwrap_or("").trim().parse::<u16>();
                    let _ = tx.send(port.ok());
                }
            }
            let _ = tx.send(None);
        });
        let port = rx.recv_timeout(Duration::from_secs(60)).ok().flatten();
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        match port {
            Some(port) => server.port = port,
            None => {
                let _ = server.child.wait();
                panic!("the server did not start: {}", server.log());
            }
        }
        server
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits (up to 10 s) until the log holds `needle`; returns the log.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let log = self.log();
            if log.contains(needle) || start.elapsed() > Duration::from_secs(10) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The process id (to signal it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its exit status, once it has exited by itself.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Sends SIGTERM and waits (up to 20 s) for the server to finish and exit; its status.
    #[allow(dead_code)] // not every test binary stops its server this way
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("runs kill");
        assert!(status.success(), "kill -TERM failed");
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.exited() {
                return status;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "the server did not exit within 20 s of SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer as curl saw it.
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The response head.
    pub headers: String,
    /// The body.
    pub body: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

/// `curl -s -D - [-X METHOD] [--data-binary BODY] URL`: status, head and body.
pub fn curl(method: &str, url: &str, body: Option<&[u8]>) -> Answer {
    super::require_tool("curl");
    let mut command = Command::new("curl");
    command.args(["-s", "-S", "-D", "-", "-X", method, url]);
    if body.is_some() {
        command.args([
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            "@-",
        ]);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        if let Some(body) = body {
            stdin.write_all(body).unwrap();
        }
    }
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (headers, body) = text
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_owned(), b.to_owned()))
        .unwrap_or_else(|| {
            panic!(
                "no HTTP answer from {url}: {text} {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {headers}"));
    Answer {
        status,
        headers,
        body,
    }
}
