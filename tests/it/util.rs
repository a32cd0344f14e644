//! A folder of case files on disk plus a way to run `dossier` on it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_dossier");

/// The ids of the valid records in `tests/fixtures/good`.
pub const GOOD_IDS: [&str; 4] = [
    "kolthoum-sarahati",
    "rocket-attack",
    "camp-liberty",
    "ai-release",
];

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A temporary case-file folder, removed when dropped.
pub struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    pub fn empty() -> Case {
        Case {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of the small valid folder `tests/fixtures/good`.
    pub fn good() -> Case {
        let case = Case::empty();
        copy_tree(&fixtures().join("good"), case.path());
        case
    }

    /// The good folder with the files of `tests/fixtures/bad/<name>` added.
    pub fn bad(name: &str) -> Case {
        let case = Case::good();
        overlay(&case, name);
        case
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Run `dossier ARGS` inside the folder, so paths print relative to it.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// Add the files of `tests/fixtures/bad/<name>` to a case.
pub fn overlay(case: &Case, name: &str) {
    let src = fixtures().join("bad").join(name);
    assert!(src.is_dir(), "no fixture {}", src.display());
    copy_tree(&src, case.path());
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// Where the tests' indexes go: one folder for all of them (each case folder gets its own index
/// file in it), under `target/`, never the user's cache.
pub fn cache_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache")
}

/// Generous: a hang is a failure, but a slow CI machine is not.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("DOSSIER_DIR")
        .env_remove("DOSSIER_CONFIG")
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_CACHE_HOME", cache_home())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    run_command(cmd)
}

/// Run with a time limit; the child is killed and the test fails if it is exceeded.
pub fn run_command(mut cmd: Command) -> Run {
    let start = Instant::now();
    let mut child = cmd.spawn().expect("dossier starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!(
                "dossier {:?} did not finish within {TIME_LIMIT:?}",
                cmd.get_args().collect::<Vec<_>>()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        elapsed: start.elapsed(),
    }
}

/// The ids `dossier list --json` reports for a folder.
pub fn listed_ids(case: &Case) -> Vec<String> {
    let run = case.run(&["list", ".", "--json"]);
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn assert_good_records_load(case: &Case) {
    let ids = listed_ids(case);
    for id in GOOD_IDS {
        assert!(
            ids.iter().any(|i| i == id),
            "good record {id} missing from {ids:?}"
        );
    }
}

/// Every file under a folder and its contents, to prove nothing was written.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}
