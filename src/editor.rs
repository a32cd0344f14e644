//! Jump to source: which editor to run and how to tell it the line.
//!
//! The config's `editor`, else `$VISUAL`, else `$EDITOR`, else `vi`, split into words as a shell
//! would (`code -w` works) but never run through a shell, so a file name can never become a
//! command. Each editor gets its own line syntax.

use std::path::Path;
use std::process::{Command, ExitStatus};

/// The editor command line, as words: the one the config names, else the environment's.
pub fn resolve(configured: Option<&str>) -> Result<Vec<String>, String> {
    let (var, value) = match configured {
        Some(c) => ("`editor` in the config", c.to_owned()),
        None => ["VISUAL", "EDITOR"]
            .iter()
            .find_map(|v| {
                std::env::var(v)
                    .ok()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| (*v, s))
            })
            .map_or(("the default", "vi".to_owned()), |(v, s)| {
                (if v == "VISUAL" { "$VISUAL" } else { "$EDITOR" }, s)
            }),
    };
    let words = shell_words::split(&value).map_err(|e| format!("cannot read {var} ({e})"))?;
    if words.is_empty() {
        return Err(format!("{var} is empty"));
    }
    Ok(words)
}

/// How an editor wants to be told the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    /// `+LINE -- FILE` (vi family: `--` ends options, so no file name is read as one).
    PlusLineDashDash,
    /// `+LINE FILE`
    PlusLine,
    /// `FILE:LINE`
    Colon,
    /// `--goto FILE:LINE`
    Goto,
}

fn syntax(program: &str) -> Syntax {
    let name = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(program);
    let name = name.strip_suffix(".exe").unwrap_or(name);
    match name {
        "vi" | "vim" | "nvim" | "gvim" | "mvim" | "view" | "nvi" | "vim.basic" | "vim.tiny" => {
            Syntax::PlusLineDashDash
        }
        "hx" | "helix" | "subl" | "sublime_text" | "zed" => Syntax::Colon,
        "code" | "code-insiders" | "codium" | "vscodium" | "cursor" => Syntax::Goto,
        // nano, emacs, emacsclient, kak, micro, joe, mg, ne, and anything unknown.
        _ => Syntax::PlusLine,
    }
}

/// The full argument list: the editor's own words, then the line and the file.
pub fn argv(editor: &[String], path: &Path, line: u32) -> Vec<String> {
    let mut args: Vec<String> = editor.to_vec();
    let file = path.display().to_string();
    let line = line.max(1);
    match syntax(&editor[0]) {
        Syntax::PlusLineDashDash => args.extend([format!("+{line}"), "--".into(), file]),
        Syntax::PlusLine => args.extend([format!("+{line}"), file]),
        Syntax::Colon => args.push(format!("{file}:{line}")),
        Syntax::Goto => args.extend(["--goto".into(), format!("{file}:{line}")]),
    }
    args
}

/// Run the editor in the foreground and wait for it. `running` hears its process id once it
/// has started (the browser forwards a SIGTERM or SIGHUP to it), and 0 once it has ended.
pub fn run(
    editor: &[String],
    path: &Path,
    line: u32,
    running: impl Fn(u32),
) -> std::io::Result<ExitStatus> {
    let args = argv(editor, path, line);
    let mut child = Command::new(&args[0]).args(&args[1..]).spawn()?;
    running(child.id());
    let status = child.wait();
    running(0);
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        shell_words::split(s).unwrap()
    }

    #[test]
    fn each_editor_gets_its_own_line_syntax() {
        let p = Path::new("/cases/people/a b.yaml");
        assert_eq!(
            argv(&words("vim"), p, 7),
            ["vim", "+7", "--", "/cases/people/a b.yaml"]
        );
        assert_eq!(
            argv(&words("/usr/bin/nvim"), p, 7),
            ["/usr/bin/nvim", "+7", "--", "/cases/people/a b.yaml"]
        );
        assert_eq!(
            argv(&words("nano"), p, 7),
            ["nano", "+7", "/cases/people/a b.yaml"]
        );
        assert_eq!(
            argv(&words("emacs -nw"), p, 7),
            ["emacs", "-nw", "+7", "/cases/people/a b.yaml"]
        );
        assert_eq!(
            argv(&words("kak"), p, 7),
            ["kak", "+7", "/cases/people/a b.yaml"]
        );
        assert_eq!(argv(&words("hx"), p, 7), ["hx", "/cases/people/a b.yaml:7"]);
        assert_eq!(
            argv(&words("subl -w"), p, 7),
            ["subl", "-w", "/cases/people/a b.yaml:7"]
        );
        assert_eq!(
            argv(&words("code -w"), p, 7),
            ["code", "-w", "--goto", "/cases/people/a b.yaml:7"]
        );
        assert_eq!(
            argv(&words("my-editor"), p, 7),
            ["my-editor", "+7", "/cases/people/a b.yaml"]
        );
    }

    #[test]
    fn quoted_editor_paths_split_like_a_shell() {
        assert_eq!(
            words("'/opt/My Editor/bin/ed' --wait"),
            ["/opt/My Editor/bin/ed", "--wait"]
        );
    }
}
