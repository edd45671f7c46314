//! A gate between a test and tasks running in worker processes: a Unix
//! socket the test listens on. A task arrives (connects and sends its pid)
//! and then waits until the test lets it go (drops the connection). So a
//! test knows a task is running, and which process runs it, without sleeping.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Gate {
    listener: UnixListener,
    dir: PathBuf,
}

impl Gate {
    pub fn new() -> Gate {
        static GATES: AtomicUsize = AtomicUsize::new(0);
        let n = GATES.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("cf-gate-{}-{n}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let listener = UnixListener::bind(dir.join("gate")).unwrap();
        Gate { listener, dir }
    }

    /// What a task is given to find the gate.
    pub fn path(&self) -> String {
        self.dir.join("gate").to_string_lossy().into_owned()
    }

    /// Waits for the next task to arrive: its pid, and the connection whose
    /// drop lets it go on.
    pub fn arrival(&self) -> (u32, UnixStream) {
        let (mut stream, _) = self.listener.accept().unwrap();
        let mut pid = [0; 4];
        stream.read_exact(&mut pid).unwrap();
        (u32::from_le_bytes(pid), stream)
    }

    /// A task that has arrived already, if any; never waits.
    pub fn try_arrival(&self) -> Option<u32> {
        self.listener.set_nonblocking(true).unwrap();
        let arrived = self.listener.accept().ok().map(|(mut stream, _)| {
            stream.set_nonblocking(false).unwrap();
            let mut pid = [0; 4];
            stream.read_exact(&mut pid).unwrap();
            u32::from_le_bytes(pid)
        });
        self.listener.set_nonblocking(false).unwrap();
        arrived
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// In a task: arrive at the gate, and return the connection still open.
pub fn arrive(path: &str) -> UnixStream {
    let mut stream = UnixStream::connect(path).unwrap();
    stream.write_all(&std::process::id().to_le_bytes()).unwrap();
    stream
}

/// In a task: arrive at the gate and wait there until the test lets us go.
/// Returns this worker's pid.
pub fn wait_at(path: String) -> u32 {
    let mut stream = arrive(&path);
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    std::process::id()
}
