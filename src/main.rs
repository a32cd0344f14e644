//! The `dossier` command: parse the command line, run a CLI command or the browser, and map the
//! outcome to an exit code (0 ok, 1 problems found or nothing found, 2 usage or I/O error).

use std::alloc::{GlobalAlloc, Layout};
use std::process::ExitCode;

use mimalloc::MiMalloc;

/// Loading makes millions of small allocations on every core; glibc's allocator made the
/// parallel load slower than a single thread (measured: 7.5 s against 4.8 s for 100,000
/// records), mimalloc does not.
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// mimalloc, and a `dossier:` line on stderr when it has no memory to give. Rust then prints
/// the size that failed and aborts; the browser's abort handler puts the terminal back.
struct Allocator;

#[allow(unsafe_code)]
// SAFETY: every method forwards its arguments unchanged to mimalloc's, whose contract is the
// same; the only addition reads the result and, when it is null, writes a fixed message.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { MiMalloc.alloc(layout) };
        if p.is_null() {
            out_of_memory();
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { MiMalloc.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory();
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory();
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }
}

/// Said without allocating (there is no memory to do it with): one fixed line, written
/// straight to the standard error's descriptor.
fn out_of_memory() {
    use std::os::fd::AsFd;
    use std::sync::atomic::{AtomicBool, Ordering};
    // Once: what Rust does next (print the size, maybe a backtrace) can fail to allocate too.
    static SAID: AtomicBool = AtomicBool::new(false);
    if SAID.swap(true, Ordering::SeqCst) {
        return;
    }
    let _ = rustix::io::write(
        std::io::stderr().as_fd(),
        b"dossier: out of memory: the case files need more than this process may use (see `ulimit -v`); nothing was written to them\n",
    );
}

fn main() -> ExitCode {
    dossier::main()
}
