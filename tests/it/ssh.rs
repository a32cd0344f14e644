//! The browser through a real SSH session: an OpenSSH server started by the test on 127.0.0.1,
//! the OpenSSH client in the pseudo-terminal, dossier on the far side.
//!
//! This is how the tool is used on a shared server, and what the unit tests cannot show: that the
//! screen and the keys survive the trip, that an OSC 52 copy comes back through the session to
//! the terminal the user sits at, and that a dropped link ends the program instead of leaving it
//! running on the server. The server is a child of the test, with its own keys and config in a
//! temporary folder, and is killed when the test ends, failed or not.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::pty::{PATIENCE, Pty};
use crate::tui::{clipboard_writes, detail_title, follow, row, search};
use crate::util::{BIN, Case};

const SSHD: &str = "/usr/sbin/sshd";
const CLIENT: &str = "/usr/bin/ssh";
const KEYGEN: &str = "/usr/bin/ssh-keygen";

/// What to do when the OpenSSH programs are missing and the test may not install them.
const NEEDS: &str = "this test needs OpenSSH's server and client (`/usr/sbin/sshd`, `ssh`, \
     `ssh-keygen`); on Debian or Ubuntu: `apt-get install openssh-server openssh-client`. \
     The test starts its own sshd on 127.0.0.1 and stops it; no service needs to run";

/// An `sshd` listening on 127.0.0.1 for the current user, with throwaway keys; killed on drop.
struct Sshd {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sshd {
    fn start() -> Sshd {
        require_openssh();
        let dir = tempfile::Builder::new()
            .prefix("dossier-sshd-")
            .tempdir()
            .expect("temp dir");
        keygen(&dir.path().join("host_key"));
        keygen(&dir.path().join("client_key"));
        std::fs::copy(
            dir.path().join("client_key.pub"),
            dir.path().join("authorized_keys"),
        )
        .unwrap();
        if is_root() {
            // The privilege-separation folder; a service manager usually makes it.
            std::fs::create_dir_all("/run/sshd").expect("create /run/sshd");
        }
        // The port is found free and then released, so another program may take it before
        // sshd binds it; then sshd exits, and we try again on another one.
        let port = free_port();
        let mut sshd = Sshd {
            child: spawn_sshd(dir.path(), port),
            port,
            dir,
        };
        for attempt in 1.. {
            if sshd.wait_listening() {
                break;
            }
            assert!(
                attempt < 5,
                "sshd never listened on 127.0.0.1; its log:\n{}",
                sshd.log()
            );
            let _ = sshd.child.wait();
            sshd.port = free_port();
            sshd.child = spawn_sshd(sshd.dir.path(), sshd.port);
        }
        sshd
    }

    /// Wait until the server greets a connection; false if it exited first.
    fn wait_listening(&mut self) -> bool {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                stream.set_read_timeout(Some(PATIENCE)).unwrap();
                let mut greeting = [0u8; 4];
                if stream.read_exact(&mut greeting).is_ok() && &greeting == b"SSH-" {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "sshd did not answer on 127.0.0.1:{} within {PATIENCE:?}; its log:\n{}",
            self.port,
            self.log()
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    /// The client's arguments to run `command` on this server, with a terminal.
    fn client_args(&self, command: &str) -> Vec<String> {
        let key = self.dir.path().join("client_key");
        // `-F /dev/null`: the user's own client config (a jump host, a shared connection) plays
        // no part.
        let mut args: Vec<String> = vec![
            "-F".into(),
            "/dev/null".into(),
            "-tt".into(),
            "-e".into(),
            "none".into(),
            "-i".into(),
            key.display().to_string(),
            "-p".into(),
            self.port.to_string(),
        ];
        for option in [
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "BatchMode=yes",
            "LogLevel=ERROR",
            "IdentitiesOnly=yes",
        ] {
            args.extend(["-o".into(), option.into()]);
        }
        args.push(format!("{}@127.0.0.1", user()));
        args.push(command.into());
        args
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("sshd's log:\n{}", self.log());
        }
    }
}

fn spawn_sshd(dir: &Path, port: u16) -> Child {
    let config = dir.join("sshd_config");
    std::fs::write(&config, sshd_config(dir, port)).unwrap();
    let log = std::fs::File::create(dir.join("sshd.log")).unwrap();
    // sshd re-executes itself for each connection, so it must be started by its absolute path.
    Command::new(SSHD)
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("start {SSHD}: {e}"))
}

/// Nothing from the system's own `/etc/ssh`: keys, authorized keys and pid file are ours.
fn sshd_config(dir: &Path, port: u16) -> String {
    let d = dir.display();
    format!(
        "ListenAddress 127.0.0.1\n\
         Port {port}\n\
         HostKey {d}/host_key\n\
         AuthorizedKeysFile {d}/authorized_keys\n\
         PidFile {d}/sshd.pid\n\
         StrictModes no\n\
         UsePAM no\n\
         PubkeyAuthentication yes\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         PermitRootLogin prohibit-password\n\
         PrintMotd no\n\
         PrintLastLog no\n\
         LogLevel VERBOSE\n"
    )
}

fn keygen(path: &Path) {
    let out = Command::new(KEYGEN)
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "dossier-test", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {KEYGEN}: {e}"));
    assert!(
        out.status.success(),
        "ssh-keygen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

fn id(flag: &str) -> String {
    let out = Command::new("id").arg(flag).output().expect("run id");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn user() -> String {
    id("-un")
}

fn is_root() -> bool {
    id("-u") == "0"
}

/// OpenSSH must be there: `.ci/run` installs it, and a test never installs software itself.
fn require_openssh() {
    let missing: Vec<&str> = [SSHD, CLIENT, KEYGEN]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "{NEEDS}; missing: {}",
        missing.join(", ")
    );
}

/// One word for the remote shell, whatever the path holds.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The running dossier processes started in `dir` or given it as an argument: pid and a line
/// that describes each.
fn dossiers_in(dir: &Path) -> Vec<(String, String)> {
    let exe = std::fs::canonicalize(BIN).unwrap();
    let marker = dir.display().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // Gone, a zombie, or not ours to read: not a running dossier of this test.
        let Ok(running) = std::fs::read_link(entry.path().join("exe")) else {
            continue;
        };
        // A binary rebuilt while the test runs reads as "PATH (deleted)".
        let running = running.display().to_string();
        if running.strip_suffix(" (deleted)").unwrap_or(&running) != exe.display().to_string() {
            continue;
        }
        let cwd = std::fs::read_link(entry.path().join("cwd")).unwrap_or_default();
        let cmdline = std::fs::read(entry.path().join("cmdline"))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default();
        if cwd == dir || cmdline.contains(&marker) {
            let line = format!("pid {pid}: {} (in {})", cmdline.trim_end(), cwd.display());
            found.push((pid, line));
        }
    }
    found
}

#[test]
fn over_ssh_search_follow_and_copy_work_and_a_dropped_link_ends_dossier() {
    let sshd = Sshd::start();
    let case = Case::good();
    // The folder's unique name tells the remote dossier apart from any other on the machine.
    let dir = std::fs::canonicalize(case.path()).unwrap();
    let bin = std::fs::canonicalize(BIN).unwrap();
    let (dir_text, bin_text) = (dir.display().to_string(), bin.display().to_string());
    let remote = format!(
        "cd {} && TERM=xterm-256color exec {} {}",
        quote(&dir_text),
        quote(&bin_text),
        quote(&dir_text)
    );
    let args = sshd.client_args(&remote);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut pty = Pty::spawn_program(sshd.dir.path(), CLIENT, &args, &[], 100, 30);
    pty.wait_text("Records");

    let running = dossiers_in(&dir);
    assert_eq!(
        running.len(),
        1,
        "one dossier runs on the far side: {running:?}"
    );

    // Type a search.
    search(&mut pty, "kolthoum", "P Kolthoum Sarahati");
    pty.key("enter"); // read the record
    pty.wait_for("the person read", |_| {
        detail_title(&pty).starts_with("Kolthoum Sarahati  person")
    });

    // Follow a link.
    follow(
        &mut pty,
        "← I Rocket attack",
        "Rocket attack on Camp Liberty  incident",
    );

    // The window changes size: ssh carries it to the server and dossier redraws to fit.
    pty.resize(120, 30);
    pty.wait_for("a frame 120 columns wide", |_| {
        row(&pty, 1).trim_end().chars().count() == 120
    });

    // Copy a citation: the OSC 52 sequence comes back through the session.
    pty.send("c");
    pty.wait_text("copied a citation");
    let raw = pty.raw();
    assert!(
        raw.windows(7).any(|w| w == b"\x1b]52;c;"),
        "no OSC 52 sequence came back"
    );
    let writes = clipboard_writes(&raw);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(
        writes[0].starts_with("**Rocket attack on Camp Liberty** (incident, 2013-06-15"),
        "{writes:?}"
    );

    // Drop the link: the client dies without a word to the server.
    pty.signal("KILL");
    pty.wait_exit();
    let start = Instant::now();
    loop {
        let left = dossiers_in(&dir);
        if left.is_empty() {
            break;
        }
        if start.elapsed() > Duration::from_secs(10) {
            for (pid, _) in &left {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
            let lines: Vec<&str> = left.iter().map(|(_, line)| line.as_str()).collect();
            panic!(
                "dossier still runs 10 s after the SSH link dropped:\n{}\nsshd's log:\n{}",
                lines.join("\n"),
                sshd.log()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
