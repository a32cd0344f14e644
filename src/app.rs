//! The browser's state and the one function that changes it.
//!
//! `update(&mut State, &Catalog, Action) -> Option<Effect>` is the only place state changes.
//! Anything that touches the world (run a search on the worker, open the editor, read a file for
//! the viewer, quit) comes back as an `Effect` for `tui.rs` to carry out, so every behaviour here
//! is tested without a terminal. State holds record ids, not indices, so a reload that swaps the
//! whole catalog keeps the selection and the history.
//!
//! Two rules shape it. **Typing is typing**: in the search box every printable key is text, and
//! letters are commands only in the detail pane, whose mode the screen shows. **The record acted
//! on is the record shown**: every key that acts on a record (edit, view, copy, timeline of,
//! follow) takes the record in the detail pane, `current`, and names it in the status bar; the
//! detail pane follows the list's selection as it moves, and a followed link stays shown until
//! the selection moves again.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::index::{Catalog, RecordIdx};
use crate::keymap::{Command, Context, Copied, Keymap, Kinds};
use crate::layout::{self, Areas};
use crate::model::{Kind, Record};
use crate::search::{Filter, Hit, Incremental, MAX_QUERY};
use crate::view::{self, Target};

pub type RecordId = Arc<str>;

/// Where the keyboard is when no box is drawn over the panes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The cursor is in the search box: every printable key is text; arrows and chords move in
    /// the list and act on the record shown.
    Search,
    /// Reading the record in the detail pane: letters are commands, as in `less`.
    Detail,
}

/// A one-line text field with a cursor (a byte offset on a char boundary).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    pub text: String,
    pub cursor: usize,
    /// The whole text is selected, as a browser's address bar selects its address when it gets
    /// the focus: typing replaces it, a cursor key keeps it.
    pub selected: bool,
}

impl Input {
    /// Insert text at the cursor; false if some of it was left out, the field being full
    /// (`MAX_QUERY` characters).
    fn insert(&mut self, s: &str) -> bool {
        if self.selected {
            self.clear();
        }
        let room = MAX_QUERY.saturating_sub(self.text.chars().count());
        // A pasted newline or tab becomes a space; escape, bidi and zero-width characters are
        // dropped, so nothing pasted can reach the terminal through the search bar.
        let mut chars = s
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .filter(|&c| !c.is_control() && !crate::text::is_unsafe(c));
        let clean: String = chars.by_ref().take(room).collect();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        chars.next().is_none()
    }

    fn clear(&mut self) {
        *self = Input::default();
    }

    /// Select the whole text (nothing, if it is empty), with the cursor at its end.
    fn select_all(&mut self) {
        self.cursor = self.text.len();
        self.selected = !self.text.is_empty();
    }

    fn prev(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    /// Apply an editing command; true if the text changed.
    fn edit(&mut self, cmd: Command) -> bool {
        if std::mem::take(&mut self.selected) {
            // As in a text field with everything selected: deleting deletes it all, and a
            // cursor key lands at that end of the text.
            match cmd {
                Command::DeleteBack
                | Command::DeleteForward
                | Command::DeleteWord
                | Command::DeleteLine => {
                    self.clear();
                    return true;
                }
                Command::CursorLeft | Command::CursorHome => {
                    self.cursor = 0;
                    return false;
                }
                Command::CursorRight | Command::CursorEnd => return false,
                _ => {}
            }
        }
        let before = self.text.len();
        match cmd {
            Command::DeleteBack if self.cursor > 0 => {
                let p = self.prev();
                self.text.replace_range(p..self.cursor, "");
                self.cursor = p;
            }
            Command::DeleteForward if self.cursor < self.text.len() => {
                let n = self.next();
                self.text.replace_range(self.cursor..n, "");
            }
            Command::DeleteWord => {
                let head = &self.text[..self.cursor];
                let start = head.trim_end().rfind(' ').map_or(0, |i| i + 1);
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            Command::DeleteLine => {
                self.text.clear();
                self.cursor = 0;
            }
            Command::CursorLeft => self.cursor = self.prev(),
            Command::CursorRight => self.cursor = self.next(),
            Command::CursorHome => self.cursor = 0,
            Command::CursorEnd => self.cursor = self.text.len(),
            _ => {}
        }
        self.text.len() != before
    }
}

/// A search narrowed to one person, camp or organisation (the timeline of `T`): shown as a chip before the
/// query, never as text that new typing would be glued to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub kind: Kind,
    pub id: RecordId,
}

/// Search results and the query they answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Results {
    pub generation: u64,
    pub query: String,
    pub kind: Option<Kind>,
    pub scope: Option<Scope>,
    /// Incidents in date order (see `timeline`), not ranked records.
    pub timeline: bool,
    pub hits: Vec<Hit>,
    /// Weak matches (letters scattered, a word inside another: see `search::Strength::Weak`)
    /// the search found: the last of `hits` when `weak_shown`, else left out of them.
    pub weaker: usize,
    pub weak_shown: bool,
    /// What is wrong with the query, or why it found nothing, for the status bar.
    pub notes: Vec<String>,
}

/// What the search worker is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    pub generation: u64,
    pub query: String,
    pub kind: Option<Kind>,
    pub scope: Option<Scope>,
    pub timeline: bool,
    /// Show the weak matches too, after the others.
    pub weak: bool,
}

impl SearchRequest {
    /// Answer the request (on the search worker), or `None` if `cancelled` first.
    pub fn run(
        self,
        typing: &mut Incremental,
        catalog: &Catalog,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Results> {
        // The timeline is the incidents that match, in date order.
        let kind = if self.timeline {
            Some(Kind::Incident)
        } else {
            self.kind
        };
        let mut fixed: Vec<Filter> = kind.map(|k| Filter::Kind(vec![k])).into_iter().collect();
        if let Some(s) = &self.scope {
            fixed.push(Filter::Scope(s.kind, s.id.to_string()));
        }
        let mut hits = typing.search(catalog, &self.query, &fixed, cancelled)?;
        let query = crate::search::Query::parse(&self.query);
        let mut notes = query.problems.clone();
        notes.extend(crate::search::notes(catalog, &query, &hits));
        // Weak matches would not convince a reader: left out (the status bar says how many, and
        // which key shows them) unless asked for, or unless there is nothing else.
        let strong = crate::search::strong_len(&hits);
        let weaker = hits.len() - strong;
        let weak_shown = self.weak || strong == 0;
        if !weak_shown {
            hits.truncate(strong);
        }
        if self.timeline {
            crate::timeline::order(catalog, &mut hits);
        }
        Some(Results {
            generation: self.generation,
            query: self.query,
            kind: self.kind,
            scope: self.scope,
            timeline: self.timeline,
            hits,
            weaker,
            weak_shown,
            notes,
        })
    }
}

/// The record in the detail pane, laid out, with the selected line and the scroll position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Detail {
    pub record: Option<RecordIdx>,
    /// The record, or its claims side by side.
    pub page: view::Page,
    pub lines: Vec<view::Line>,
    /// `lines` wrapped to `wrapped_width` columns, kept until the lines or the width change:
    /// wrapping on every key and frame cost 50 ms a key for a record with a 4 MB summary.
    pub rows: Vec<view::Row>,
    pub wrapped_width: usize,
    pub cursor: usize,
    pub scroll: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    pub back: Vec<RecordId>,
    pub forward: Vec<RecordId>,
}

/// A file shown by the built-in viewer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub path: PathBuf,
    /// The file's lines, already made terminal-safe.
    pub lines: Vec<String>,
    /// First visible line (0-based).
    pub top: usize,
    /// Lines to highlight, 1-based and inclusive.
    pub highlight: (u32, u32),
}

/// What the viewer or the editor should show: a file, at a line, with a range highlighted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewRequest {
    pub path: PathBuf,
    pub line: u32,
    pub highlight: (u32, u32),
    /// What is opened, in words for the status bar: `"Camp Liberty" at camps/camp-liberty.yaml:4`.
    pub about: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help {
        filter: Input,
        scroll: usize,
    },
    Diagnostics {
        cursor: usize,
    },
    Viewer(Viewer),
    /// A claim cites more than one source: which to follow.
    Choose(Choice),
}

/// The sources of one claim, offered to follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The claim, as its line in the detail pane reads.
    pub claim: String,
    /// Each source's short title and locator, and its record.
    pub options: Vec<(String, RecordIdx)>,
    pub cursor: usize,
}

pub struct State {
    pub input: Input,
    pub mode: Mode,
    pub kind: Option<Kind>,
    /// The search is narrowed to one person's or camp's records (a chip in the search bar).
    pub scope: Option<Scope>,
    /// The list shows the timeline: incidents in date order.
    pub timeline: bool,
    /// The list shows the weak matches too, after the others.
    pub weak: bool,
    pub results: Results,
    /// The newest search asked for; older answers are dropped.
    pub requested: u64,
    /// Selected row of the list, and the first row shown.
    pub cursor: usize,
    pub offset: usize,
    /// The record in the detail pane: the one every record key acts on. It is the list's
    /// selection, except after following a link (or going back), until the selection moves.
    pub current: Option<RecordId>,
    pub detail: Detail,
    pub history: History,
    /// Records marked for a reference list, in the order marked; ids, so a reload keeps them.
    pub marks: Vec<RecordId>,
    /// The box drawn over the panes, if any; closing it shows the one it was opened from.
    pub overlay: Option<Overlay>,
    pub overlays_below: Vec<Overlay>,
    /// A one-off note for the status bar, cleared by the next key.
    pub message: Option<String>,
    /// While a first load goes on behind a list of the records read so far: how far it is.
    pub reading: Option<Reading>,
    /// While a first load fills the list in: the search whose answer is the last to fill it
    /// (`u64::MAX` until the load's last list has come). Until then a cursor on the top row
    /// stays on the top row, as fzf's does while its input streams in, rather than following
    /// the record that was there down a list that grows above it.
    pub filling: Option<u64>,
    /// How many keys (and clicks and pastes) the user has given: a reload that began before the
    /// latest of them does not talk over what that key said.
    pub acts: u64,
    pub width: u16,
    pub height: u16,
    /// The keys in effect (the table with the user's config applied): dispatch, the help
    /// screen and the key hints read it.
    pub keymap: Arc<Keymap>,
}

/// How far a first load has read, for the list and the status bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub read: usize,
    pub found: usize,
}

impl Reading {
    pub fn percent(self) -> usize {
        (self.read * 100)
            .checked_div(self.found)
            .unwrap_or(0)
            .min(99)
    }
}

#[derive(Clone, Debug)]
pub enum Action {
    Command(Command),
    /// A character typed: text in the search box or the help filter.
    Insert(char),
    Paste(String),
    Resize(u16, u16),
    Click {
        column: u16,
        row: u16,
    },
    Scroll {
        column: u16,
        row: u16,
        down: bool,
    },
    SearchDone(Results),
    /// The catalog was read again from disk (after the editor, or a reload); `update` gets the
    /// new one, and the one it replaced here, to carry the list over by id. `after` is what
    /// started the reload, if it has something to say (back from the editor, and on what).
    Reloaded {
        previous: Arc<Catalog>,
        after: Option<String>,
        /// `State::acts` when the reload began.
        acts_at_start: u64,
    },
    /// A first load goes on: how far it is; `None` when it ended without a catalog.
    Reading(Option<Reading>),
    /// A list of the records a first load has read so far replaces the one shown (the last
    /// list of that load comes as `Reloaded`); `update` carries the list over by id, as for a
    /// reload, and says nothing.
    Partial {
        previous: Arc<Catalog>,
        reading: Reading,
    },
    /// A file read for the viewer; the note says why it is the viewer and not the editor.
    ViewerReady {
        viewer: Viewer,
        about: String,
        note: Option<String>,
    },
    Message(String),
    /// A new record's file was written (`Effect::NewRecord`): show it once a reload reads it.
    Created {
        id: RecordId,
        about: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Quit,
    Suspend,
    Redraw,
    Search(SearchRequest),
    /// Open the editor; if it cannot start, show the file in the viewer instead.
    Edit(ViewRequest),
    View(ViewRequest),
    /// Put `text` on the clipboard; `what` names it in the status bar (`citation of "X"`).
    Copy {
        text: String,
        what: String,
    },
    /// Write a new record of `kind` called `name` from its template, and open it in the editor.
    NewRecord {
        kind: Kind,
        name: String,
    },
}

/// A record's name as the status bar quotes it.
fn quoted(catalog: &Catalog, idx: RecordIdx) -> String {
    format!("\u{201c}{}\u{201d}", catalog.get(idx).name.shown())
}

impl State {
    /// The starting state: the cursor in the search box, every record listed, the first shown.
    pub fn new(catalog: &Catalog, width: u16, height: u16) -> State {
        let hits = (0..catalog.len() as RecordIdx).map(Hit::unranked).collect();
        let mut s = State {
            input: Input::default(),
            mode: Mode::Search,
            kind: None,
            scope: None,
            timeline: false,
            weak: false,
            results: Results {
                hits,
                ..Results::default()
            },
            requested: 0,
            cursor: 0,
            offset: 0,
            current: None,
            detail: Detail::default(),
            history: History::default(),
            marks: Vec::new(),
            overlay: None,
            overlays_below: Vec::new(),
            message: None,
            reading: None,
            filling: None,
            acts: 0,
            width,
            height,
            keymap: Arc::new(Keymap::default()),
        };
        s.select_row(catalog, 0);
        s
    }

    /// The same state with the user's keys.
    #[must_use]
    pub fn with_keymap(mut self, keymap: Arc<Keymap>) -> State {
        self.keymap = keymap;
        self
    }

    /// Show an overlay over the current one; one of the same kind is replaced, not stacked.
    fn open_overlay(&mut self, overlay: Overlay) {
        if let Some(current) = self.overlay.take()
            && std::mem::discriminant(&current) != std::mem::discriminant(&overlay)
        {
            self.overlays_below.push(current);
        }
        self.overlay = Some(overlay);
    }

    fn close_overlay(&mut self) {
        self.overlay = self.overlays_below.pop();
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Viewer(_)) => Context::Viewer,
            Some(Overlay::Diagnostics { .. }) => Context::Diagnostics,
            Some(Overlay::Choose(_)) => Context::Choose,
            None => match self.mode {
                Mode::Search => Context::Search,
                Mode::Detail => Context::Detail,
            },
        }
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self.width, self.height, self.mode == Mode::Detail)
    }

    /// Rows of records the list pane shows.
    pub fn list_rows(&self) -> usize {
        usize::from(layout::inner(self.areas().list).height)
    }

    fn detail_size(&self) -> (usize, usize) {
        let r = layout::inner(self.areas().detail);
        (usize::from(r.width), usize::from(r.height))
    }

    /// Lines of a file the viewer shows at once.
    fn viewer_rows(&self) -> usize {
        usize::from(
            layout::overlay(self.width, self.height)
                .height
                .saturating_sub(2),
        )
        .max(1)
    }

    /// A search was asked for and has not answered yet: the list is about to change.
    pub fn search_pending(&self) -> bool {
        self.requested > self.results.generation
    }

    pub fn selected(&self) -> Option<RecordIdx> {
        self.results.hits.get(self.cursor).map(|h| h.record)
    }

    /// The record in the detail pane, the one every record key acts on.
    pub fn current_idx(&self, catalog: &Catalog) -> Option<RecordIdx> {
        self.current.as_deref().and_then(|id| catalog.idx(id))
    }

    /// Select a list row and show its record: the detail pane follows the selection.
    fn select_row(&mut self, catalog: &Catalog, row: usize) {
        let len = self.results.hits.len();
        self.cursor = row.min(len.saturating_sub(1));
        self.keep_cursor_visible();
        if let Some(idx) = self.selected() {
            self.show(catalog, idx);
        } else {
            self.current = None;
            self.detail = Detail::default();
        }
    }

    fn keep_cursor_visible(&mut self) {
        let rows = self.list_rows().max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
        let len = self.results.hits.len();
        self.offset = self.offset.min(len.saturating_sub(rows));
    }

    /// Put a record in the detail pane.
    fn show(&mut self, catalog: &Catalog, idx: RecordIdx) {
        let record = catalog.get(idx);
        let same = self.current.as_deref() == Some(&*record.id);
        self.current = Some(Arc::from(&*record.id));
        let page = self.detail.page;
        let lines = view::detail(catalog, idx, page);
        let cursor = if same {
            self.detail.cursor.min(lines.len().saturating_sub(1))
        } else {
            0
        };
        let scroll = if same { self.detail.scroll } else { 0 };
        self.detail = Detail {
            record: Some(idx),
            page,
            lines,
            rows: Vec::new(),
            wrapped_width: 0,
            cursor,
            scroll,
        };
        self.keep_detail_cursor_visible();
    }

    /// Move the list cursor onto a record if the list shows it.
    fn sync_list_to(&mut self, idx: RecordIdx) {
        if let Some(row) = self.results.hits.iter().position(|h| h.record == idx) {
            self.cursor = row;
            self.keep_cursor_visible();
        }
    }

    /// Into the search box, from the detail pane or a key that changes the list: the query is
    /// kept and selected, so typing starts a new one and a cursor key edits the old.
    fn enter_search(&mut self) {
        if self.mode != Mode::Search {
            self.mode = Mode::Search;
            self.input.select_all();
        }
    }

    fn selectable(&self, line: usize) -> bool {
        self.detail
            .lines
            .get(line)
            .is_some_and(|l| l.target.is_some() || l.pos.is_some())
    }

    fn move_detail_cursor(&mut self, down: bool, steps: usize) {
        let mut at = self.detail.cursor;
        for _ in 0..steps {
            let next = if down {
                (at + 1..self.detail.lines.len()).find(|&i| self.selectable(i))
            } else {
                (0..at).rev().find(|&i| self.selectable(i))
            };
            match next {
                Some(n) => at = n,
                None => break,
            }
        }
        self.detail.cursor = at;
        self.keep_detail_cursor_visible();
    }

    /// Wrap the detail's lines again if the pane's width changed since they were wrapped.
    fn rewrap(&mut self) {
        let (width, _) = self.detail_size();
        let width = width.max(1);
        if self.detail.wrapped_width != width {
            self.detail.rows = view::wrap(&self.detail.lines, width);
            self.detail.wrapped_width = width;
        }
    }

    fn keep_detail_cursor_visible(&mut self) {
        let (width, height) = self.detail_size();
        if width == 0 || height == 0 {
            return;
        }
        self.rewrap();
        let rows = &self.detail.rows;
        let first = rows
            .iter()
            .position(|r| r.line == self.detail.cursor)
            .unwrap_or(0);
        let last = rows
            .iter()
            .rposition(|r| r.line == self.detail.cursor)
            .unwrap_or(first);
        if first < self.detail.scroll {
            self.detail.scroll = first;
        } else if last >= self.detail.scroll + height {
            self.detail.scroll = (last + 1).saturating_sub(height).min(first);
        }
        self.clamp_detail_scroll(rows.len(), height);
    }

    fn clamp_detail_scroll(&mut self, rows: usize, height: usize) {
        self.detail.scroll = self.detail.scroll.min(rows.saturating_sub(height));
    }

    /// Scroll the detail pane (the mouse wheel): the selection stays where it is.
    fn scroll_detail(&mut self, down: bool, by: usize) {
        let (_, height) = self.detail_size();
        self.rewrap();
        let rows = self.detail.rows.len();
        self.detail.scroll = if down {
            self.detail.scroll + by
        } else {
            self.detail.scroll.saturating_sub(by)
        };
        self.clamp_detail_scroll(rows, height);
    }

    /// Page the detail pane and take the selection along, to the first selectable line in
    /// view, so the next `j` goes on from the page shown rather than jumping back.
    fn page_detail(&mut self, down: bool) {
        let (width, height) = self.detail_size();
        if width == 0 || height == 0 {
            return;
        }
        self.scroll_detail(down, height);
        let rows = &self.detail.rows;
        let view = self.detail.scroll..self.detail.scroll + height;
        let in_view = |line: usize| {
            rows.iter()
                .position(|r| r.line == line)
                .is_some_and(|r| view.contains(&r))
        };
        if in_view(self.detail.cursor) && !down {
            return;
        }
        let mut lines = (0..self.detail.lines.len()).filter(|&l| self.selectable(l) && in_view(l));
        let pick = if down {
            lines.next()
        } else {
            lines.next_back()
        };
        if let Some(line) = pick {
            self.detail.cursor = line;
        }
    }

    fn search_request(&mut self) -> Effect {
        self.requested += 1;
        Effect::Search(SearchRequest {
            generation: self.requested,
            query: self.input.text.clone(),
            kind: self.kind,
            scope: self.scope.clone(),
            timeline: self.timeline,
            weak: self.weak,
        })
    }

    /// Show the weak matches after the others, or leave them out again.
    fn toggle_weak(&mut self) -> Effect {
        self.weak = !self.weak;
        self.search_request()
    }

    fn toggle_timeline(&mut self) -> Effect {
        self.timeline = !self.timeline;
        self.enter_search();
        self.search_request()
    }

    /// The timeline of the person, camp or organisation shown: their incidents in date order,
    /// the scope shown as a chip before the query.
    fn timeline_of(&mut self, catalog: &Catalog) -> Option<Effect> {
        let idx = self.target(catalog)?;
        let record = catalog.get(idx);
        if !matches!(record.kind, Kind::Person | Kind::Camp | Kind::Organization) {
            self.message = Some(format!(
                "{} is {} {}: a timeline is for a person, a camp or an organisation",
                quoted(catalog, idx),
                record.kind.article(),
                record.kind.name()
            ));
            return None;
        }
        self.scope = Some(Scope {
            kind: record.kind,
            id: Arc::from(&*record.id),
        });
        self.input.clear();
        self.kind = None;
        self.timeline = true;
        self.mode = Mode::Search;
        self.message = Some(format!(
            "timeline of {}; {} on the empty query removes the scope",
            quoted(catalog, idx),
            self.key_for(Context::Search, Command::DeleteBack)
        ));
        Some(self.search_request())
    }

    /// The key that runs a command, as the status bar names it.
    fn key_for(&self, context: Context, command: Command) -> String {
        self.keymap
            .hint(context, command)
            .map(|k| k.to_string())
            .unwrap_or_default()
    }

    /// Follow what a line leads to: a record, or one of a claim's sources (a choice when it
    /// cites more than one).
    fn open_target(&mut self, catalog: &Catalog, target: &crate::doc::Target) {
        match target {
            crate::doc::Target::Sources(sources) if sources.len() > 1 => {
                let claim = self
                    .detail
                    .lines
                    .get(self.detail.cursor)
                    .map(|l| l.segs.iter().map(|s| s.text.as_str()).collect::<String>())
                    .unwrap_or_default();
                let options = sources
                    .iter()
                    .map(|(idx, locator)| {
                        let mut label = crate::doc::source_label(catalog, *idx);
                        if let Some(l) = locator {
                            label.push_str(", ");
                            label.push_str(l);
                        }
                        (label, *idx)
                    })
                    .collect();
                self.open_overlay(Overlay::Choose(Choice {
                    claim: claim.trim().to_owned(),
                    options,
                    cursor: 0,
                }));
            }
            t => {
                if let Some(idx) = t.record() {
                    self.follow(catalog, idx);
                }
            }
        }
    }

    /// The record shown, or its claims side by side.
    fn toggle_claims(&mut self, catalog: &Catalog) {
        let Some(idx) = self.current_idx(catalog) else {
            self.message = Some("no record shown: choose one in the list first".into());
            return;
        };
        self.detail.page = match self.detail.page {
            view::Page::Record => view::Page::Claims,
            view::Page::Claims => view::Page::Record,
        };
        self.detail.cursor = 0;
        self.detail.scroll = 0;
        self.show(catalog, idx);
        let key = self.key_for(self.context(), Command::Claims);
        self.message = Some(match self.detail.page {
            view::Page::Claims => {
                format!("claims of {}; {key} shows the record", quoted(catalog, idx))
            }
            view::Page::Record => format!("showing {}", quoted(catalog, idx)),
        });
    }

    /// Follow a link: the current record goes on the back stack.
    fn follow(&mut self, catalog: &Catalog, target: RecordIdx) {
        if let Some(cur) = self.current.clone() {
            if *cur == *catalog.id(target) {
                return;
            }
            self.history.back.push(cur);
        }
        self.history.forward.clear();
        // A link leads to a record, not to its claims (a source has none).
        self.detail.page = view::Page::Record;
        self.show(catalog, target);
        self.sync_list_to(target);
        self.message = Some(format!(
            "showing {}; {} goes back",
            quoted(catalog, target),
            self.key_for(self.context(), Command::Back)
        ));
    }

    fn go_history(&mut self, catalog: &Catalog, back: bool) {
        let (from, to) = if back {
            (&mut self.history.back, &mut self.history.forward)
        } else {
            (&mut self.history.forward, &mut self.history.back)
        };
        // Skip records that a reload removed.
        while let Some(id) = from.pop() {
            if let Some(idx) = catalog.idx(&id) {
                if let Some(cur) = self.current.take() {
                    to.push(cur);
                }
                self.show(catalog, idx);
                self.sync_list_to(idx);
                self.message = Some(format!(
                    "{} to {}",
                    if back { "back" } else { "forward" },
                    quoted(catalog, idx)
                ));
                return;
            }
        }
        self.message = Some(
            if back {
                "no earlier record in the history"
            } else {
                "no later record in the history"
            }
            .into(),
        );
    }

    /// The record the edit, view, copy and timeline keys act on: always the one in the detail
    /// pane. With none shown (an empty list), the status bar says so.
    fn target(&mut self, catalog: &Catalog) -> Option<RecordIdx> {
        let idx = self.current_idx(catalog);
        if idx.is_none() {
            self.message = Some("no record is shown: search for one first".into());
        }
        idx
    }

    /// Mark the record shown for a reference list, or unmark it.
    fn toggle_mark(&mut self, catalog: &Catalog) {
        let Some(idx) = self.target(catalog) else {
            return;
        };
        let id: RecordId = Arc::from(catalog.id(idx));
        let name = quoted(catalog, idx);
        let marked = if let Some(at) = self.marks.iter().position(|m| *m == id) {
            self.marks.remove(at);
            false
        } else {
            self.marks.push(id);
            true
        };
        let copy = self.key_for(self.context(), Command::CopyReferences);
        self.message = Some(format!(
            "{} {name}; {} marked, {copy} copies them as a reference list",
            if marked { "marked" } else { "unmarked" },
            self.marks.len()
        ));
    }

    /// What a copy key copies, from the record shown.
    fn copy(&mut self, catalog: &Catalog, what: Copied) -> Option<Effect> {
        let idx = self.target(catalog)?;
        let record = catalog.get(idx);
        let name = quoted(catalog, idx);
        let (text, what) = match what {
            Copied::Id => (record.id.to_string(), format!("the id of {name}")),
            Copied::Location => {
                // The selected field's line, unless the edit key would open a cited document.
                let line = self
                    .view_request(catalog)
                    .filter(|r| r.path == catalog.file_path(record))
                    .map_or(record.line, |r| r.line);
                (
                    format!("{}:{line}", record.path),
                    format!("path:line of {name}"),
                )
            }
            Copied::Citation => (
                crate::markdown::citation(catalog, idx),
                format!("a citation of {name}"),
            ),
            Copied::References => {
                // The marked records that still exist, else the record shown alone.
                let mut marked: Vec<RecordIdx> =
                    self.marks.iter().filter_map(|id| catalog.idx(id)).collect();
                if marked.is_empty() {
                    marked.push(idx);
                }
                let mut text = String::new();
                for (n, &i) in marked.iter().enumerate() {
                    let _ = writeln!(text, "{}. {}", n + 1, crate::markdown::citation(catalog, i));
                }
                let what = if self.marks.is_empty() {
                    format!("a reference list of {name} (no record is marked)")
                } else {
                    format!(
                        "a reference list of {}",
                        crate::diagnostic::plural(marked.len(), "marked record")
                    )
                };
                (text, what)
            }
        };
        Some(Effect::Copy { text, what })
    }

    /// Where `e` and `v` go: in the detail pane, the selected field (or the cited document);
    /// from the search box, the record's own line.
    fn view_request(&mut self, catalog: &Catalog) -> Option<ViewRequest> {
        let idx = self.target(catalog)?;
        let record = catalog.get(idx);
        let path = catalog.file_path(record);
        let about = |line: u32| {
            format!(
                "{} at {}:{line}",
                quoted(catalog, idx),
                crate::text::shown(&record.path)
            )
        };
        if self.mode == Mode::Detail {
            let line = self.detail.lines.get(self.detail.cursor)?;
            if let Some(Target::Citation { source, locator }) = &line.target
                && let Some(req) = document_request(catalog, *source, locator.as_deref())
            {
                return Some(req);
            }
            if let Some(pos) = line.pos.filter(|p| p.line > 0) {
                return Some(ViewRequest {
                    path,
                    line: pos.line,
                    highlight: field_range(record, pos.line),
                    about: about(pos.line),
                });
            }
        }
        let line = record.line.max(1);
        Some(ViewRequest {
            path,
            line,
            highlight: (line, u32::MAX),
            about: about(line),
        })
    }
}

/// The lines of the top-level field that contains `line`: its key's line up to the next key.
fn field_range(record: &Record, line: u32) -> (u32, u32) {
    let start = record
        .fields
        .iter()
        .map(|(_, p)| p.line)
        .filter(|&l| l <= line)
        .max()
        .unwrap_or(line);
    let end = record
        .fields
        .iter()
        .map(|(_, p)| p.line)
        .filter(|&l| l > start)
        .min()
        .map_or(u32::MAX, |next| next - 1);
    (start, end)
}

/// A citation of a source with a local document: open the document at the locator's line.
fn document_request(
    catalog: &Catalog,
    source: RecordIdx,
    locator: Option<&str>,
) -> Option<ViewRequest> {
    let record = catalog.get(source);
    let doc = record
        .source()
        .filter(|s| s.document_ok)?
        .document
        .as_ref()?;
    let path = catalog.root().join(doc.raw());
    let (start, end) = locator.and_then(locator_lines).unwrap_or((1, 1));
    Some(ViewRequest {
        path,
        line: start,
        highlight: (start, end),
        about: format!(
            "the document of {} at line {start}",
            quoted(catalog, source)
        ),
    })
}

/// Read a line or line range from a locator: `line 12`, `lines 12-15`, `l. 12`, `L12`, `12-15`.
pub fn locator_lines(locator: &str) -> Option<(u32, u32)> {
    let lower = locator.trim().to_ascii_lowercase();
    let rest = ["lines", "line", "ll.", "l.", "l"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim();
    let mut nums = rest.split(['-', '–']).map(|n| n.trim().parse::<u32>().ok());
    let start = nums.next()??;
    let end = match nums.next() {
        Some(n) => n?,
        None => start,
    };
    (start > 0 && end >= start).then_some((start, end))
}

/// Commands whose meaning depends on the list the search is about to give: moving in it, and
/// acting on its selection. The terminal loop holds them back while a search is under way.
pub fn waits_for_results(cmd: Command) -> bool {
    matches!(
        cmd,
        Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::HalfPageUp
            | Command::HalfPageDown
            | Command::Top
            | Command::Bottom
            | Command::Open
            | Command::FocusDetail
            | Command::SwitchPane
            | Command::Edit
            | Command::View
            | Command::CopyId
            | Command::CopyLocation
            | Command::CopyCitation
            | Command::CopyReferences
            | Command::Mark
            | Command::TimelineOf
            | Command::Back
            | Command::Forward
    )
}

/// The only place the state changes.
pub fn update(state: &mut State, catalog: &Catalog, action: Action) -> Option<Effect> {
    if matches!(
        action,
        Action::Command(_) | Action::Insert(_) | Action::Paste(_) | Action::Click { .. }
    ) {
        state.message = None;
        state.acts += 1;
    }
    match action {
        Action::Command(cmd) => command(state, catalog, cmd),
        Action::Insert(c) => {
            let mut buf = [0; 4];
            insert(state, c.encode_utf8(&mut buf), false)
        }
        Action::Paste(text) => insert(state, &text, true),
        Action::Resize(w, h) => {
            state.width = w;
            state.height = h;
            state.keep_cursor_visible();
            state.keep_detail_cursor_visible();
            let rows = state.viewer_rows();
            if let Some(Overlay::Viewer(v)) = &mut state.overlay {
                v.top = v.top.min(v.lines.len().saturating_sub(rows));
            }
            None
        }
        Action::Click { column, row } => click(state, catalog, column, row),
        Action::Scroll { column, row, down } => {
            scroll(state, catalog, column, row, down);
            None
        }
        Action::SearchDone(results) => {
            search_done(state, catalog, results);
            None
        }
        Action::Reloaded {
            previous,
            after,
            acts_at_start,
        } => {
            let newer_key = state.acts != acts_at_start;
            Some(catalog_replaced(
                state, catalog, &previous, after, newer_key,
            ))
        }
        Action::Reading(reading) => {
            state.reading = reading;
            None
        }
        Action::Partial { previous, reading } => {
            state.reading = Some(reading);
            state.filling = Some(u64::MAX);
            carry_over(state, catalog, &previous);
            Some(state.search_request())
        }
        Action::ViewerReady {
            mut viewer,
            about,
            note,
        } => {
            // As much of the file as fits, down to its end: a short file is shown whole.
            viewer.top = viewer
                .top
                .min(viewer.lines.len().saturating_sub(state.viewer_rows()));
            state.open_overlay(Overlay::Viewer(viewer));
            state.message = Some(note.unwrap_or_else(|| format!("viewing {about}")));
            None
        }
        Action::Message(m) => {
            state.message = Some(m);
            None
        }
        Action::Created { id, about } => {
            // Not in the catalog yet: the reload after the editor finds it and shows it.
            state.current = Some(id);
            state.mode = Mode::Search;
            state.message = Some(about);
            None
        }
    }
}

/// The new-record key: the query is the name, the kind filter the kind. Both are asked for in
/// words when missing, so nothing is created by a guess.
fn new_record(state: &mut State) -> Option<Effect> {
    let name = state.input.text.trim().to_owned();
    let kinds = [
        Command::KindPerson,
        Command::KindIncident,
        Command::KindCamp,
        Command::KindSource,
        Command::KindOrganization,
    ]
    .map(|c| state.key_for(Context::Search, c))
    .join("/");
    let key = state.key_for(Context::Search, Command::NewRecord);
    let kind = state
        .kind
        .or(state.timeline.then_some(Kind::Incident))
        .filter(|_| !name.is_empty());
    match kind {
        Some(kind) => Some(Effect::NewRecord { kind, name }),
        None if name.is_empty() => {
            state.message = Some(format!(
                "a new record: type its name, choose its kind ({kinds}), then {key}"
            ));
            None
        }
        None => {
            state.message = Some(format!(
                "a new record named \u{201c}{}\u{201d}: choose its kind first ({kinds}), then {key}",
                crate::text::shown(&name)
            ));
            None
        }
    }
}

/// A search answered: newer answers replace the list; an answer to the same query (after a
/// reload) keeps the selection, and the record shown, by id.
fn search_done(state: &mut State, catalog: &Catalog, results: Results) {
    if results.generation < state.results.generation {
        return; // an older answer arriving late
    }
    let changed = results.query != state.results.query
        || results.kind != state.results.kind
        || results.scope != state.results.scope
        || results.timeline != state.results.timeline;
    let keep = state.selected().map(|i| catalog.id(i).to_owned());
    let top = stays_on_top(state, catalog);
    state.results = results;
    if state
        .filling
        .is_some_and(|last| state.results.generation >= last)
    {
        state.filling = None;
    }
    if changed || top {
        state.offset = 0;
        state.select_row(catalog, 0);
    } else {
        let row = keep
            .and_then(|id| {
                state
                    .results
                    .hits
                    .iter()
                    .position(|h| catalog.id(h.record) == id.as_str())
            })
            .unwrap_or(state.cursor);
        state.cursor = row.min(state.results.hits.len().saturating_sub(1));
        state.keep_cursor_visible();
        if state.current.is_none() {
            state.select_row(catalog, state.cursor);
        }
    }
}

/// A new catalog replaced `old`: indices changed, ids did not.
fn catalog_replaced(
    state: &mut State,
    catalog: &Catalog,
    old: &Catalog,
    after: Option<String>,
    newer_key: bool,
) -> Effect {
    carry_over(state, catalog, old);
    // The newest event speaks: a reload's note replaces what a key said before the reload
    // began, after what started it (the editor, and on which record); not what a key said
    // since (a copy made meanwhile), unless the reload found new problems. The last list of a
    // first load says it has read every file.
    let last_part = state.reading.take().is_some();
    let verb = if last_part {
        "every file read"
    } else {
        "reloaded"
    };
    let (note, new_problems) = reload_note(old, catalog, &state.keymap, verb);
    if new_problems || !newer_key || state.message.is_none() {
        state.message = Some(match after {
            Some(after) => format!("{after}; {note}"),
            None => note,
        });
    }
    let search = state.search_request();
    if last_part {
        state.filling = Some(state.requested);
    }
    search
}

/// Carry the list over by id from `old` to `catalog` until the new search answers, and show the
/// same record.
fn carry_over(state: &mut State, catalog: &Catalog, old: &Catalog) {
    let top = stays_on_top(state, old);
    let hits = std::mem::take(&mut state.results.hits);
    // By the ids held aside: a record itself may be in the index file, or in its case file,
    // and reading every one listed to learn its id would read the whole folder.
    let cursor_id = hits.get(state.cursor).map(|h| old.id(h.record).to_owned());
    state.results.hits = hits
        .into_iter()
        .filter_map(|h| {
            let record = catalog.idx(old.id(h.record))?;
            Some(Hit { record, ..h })
        })
        .collect();
    let row = cursor_id.and_then(|id| {
        state
            .results
            .hits
            .iter()
            .position(|h| catalog.id(h.record) == id.as_str())
    });
    state.cursor = row
        .unwrap_or(state.cursor)
        .min(state.results.hits.len().saturating_sub(1));
    state.keep_cursor_visible();
    match state.current_idx(catalog) {
        _ if top => state.select_row(catalog, 0),
        Some(idx) => state.show(catalog, idx),
        // The record shown is gone: show the selection instead of a blank pane.
        None => state.select_row(catalog, state.cursor),
    }
    if let Some(Overlay::Diagnostics { cursor }) = &mut state.overlay {
        if catalog.diagnostics().is_empty() {
            state.close_overlay();
        } else {
            *cursor = (*cursor).min(catalog.diagnostics().len() - 1);
        }
    }
}

/// Whether the list is filling in (`State::filling`) under a cursor on its top row that shows
/// what it selects (not a followed link).
fn stays_on_top(state: &State, catalog: &Catalog) -> bool {
    state.filling.is_some()
        && state.cursor == 0
        && state.selected().is_some()
        && state.selected() == state.current_idx(catalog)
}

/// What a reload changed that the user should hear about: problems that appeared (the first
/// one in full, so a typo just saved is named at once; then `true`) or went away, else how many
/// records there are now.
fn reload_note(old: &Catalog, new: &Catalog, keymap: &Keymap, verb: &str) -> (String, bool) {
    use std::collections::HashSet;
    // Compared by place and message; sets, because a broken folder can hold many thousands.
    fn key_of(d: &Diagnostic) -> (&str, u32, u32, &str) {
        (&d.path, d.line, d.column, &d.message)
    }
    let before: HashSet<_> = old.diagnostics().iter().map(key_of).collect();
    let after: HashSet<_> = new.diagnostics().iter().map(key_of).collect();
    let added: Vec<&Diagnostic> = new
        .diagnostics()
        .iter()
        .filter(|d| !before.contains(&key_of(d)))
        .collect();
    let fixed = before.difference(&after).count();
    let key = keymap
        .hint(Context::Search, Command::Diagnostics)
        .map(|k| k.to_string())
        .unwrap_or_default();
    if let Some(first) = added.first() {
        let more = match added.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        return (
            format!(
                "{verb}: {}{more}; {key} lists the problems",
                first.render("").lines().next().unwrap_or_default()
            ),
            true,
        );
    }
    if fixed > 0 {
        return (
            format!(
                "{verb}: {} fixed, {} left",
                crate::diagnostic::plural(fixed, "problem"),
                new.diagnostics().len()
            ),
            false,
        );
    }
    (
        format!("{verb}: {}", crate::diagnostic::plural(new.len(), "record")),
        false,
    )
}

/// Typed or pasted text. In the search box it is the query, always; in the detail pane a
/// letter that is not a command says so, and a paste (text, plainly) goes to the search box.
fn insert(state: &mut State, text: &str, pasted: bool) -> Option<Effect> {
    match &mut state.overlay {
        Some(Overlay::Help { filter, scroll }) => {
            if !filter.insert(text) {
                state.message = Some(full_box("the help's filter"));
            }
            *scroll = 0;
            return None;
        }
        Some(_) => return None,
        None => {}
    }
    if state.mode == Mode::Detail {
        if !pasted {
            let back = state.key_for(Context::Detail, Command::FocusList);
            let help = state.key_for(Context::Detail, Command::Help);
            state.message = Some(format!(
                "`{}` is not a key in the detail pane (letters are commands here); {back} goes to the search box, {help} lists the keys",
                crate::text::shown(text)
            ));
            return None;
        }
        state.mode = Mode::Search;
        state.input.select_all();
    }
    // `/` only says "search" where it would start a query: the habit of `less` and vim, and
    // no query begins with it.
    if text == "/" && (state.input.text.is_empty() || state.input.selected) {
        return None;
    }
    if !state.input.insert(text) {
        state.message = Some(full_box("the search box"));
    }
    Some(state.search_request())
}

/// What the status bar says when a paste did not fit.
fn full_box(what: &str) -> String {
    format!("{what} holds {MAX_QUERY} characters: the rest of the paste was left out")
}

fn command(state: &mut State, catalog: &Catalog, cmd: Command) -> Option<Effect> {
    match cmd {
        Command::Quit => return Some(Effect::Quit),
        Command::Suspend => return Some(Effect::Suspend),
        Command::Redraw => return Some(Effect::Redraw),
        Command::Help => {
            state.open_overlay(Overlay::Help {
                filter: Input::default(),
                scroll: 0,
            });
            return None;
        }
        Command::Diagnostics => {
            if catalog.diagnostics().is_empty() {
                state.message = Some("no problems found in the case files".into());
            } else {
                state.open_overlay(Overlay::Diagnostics { cursor: 0 });
            }
            return None;
        }
        _ => {}
    }
    match state.context() {
        Context::Help => help_command(state, cmd),
        Context::Viewer => viewer_command(state, cmd),
        Context::Diagnostics => diagnostics_command(state, catalog, cmd),
        Context::Choose => choose_command(state, catalog, cmd),
        Context::Search | Context::Global => search_command(state, catalog, cmd),
        Context::Detail => detail_command(state, catalog, cmd),
    }
}

fn page(state: &State) -> usize {
    state.list_rows().max(1)
}

/// Keys that act on the record shown, the same from the search box and the detail pane.
fn record_command(state: &mut State, catalog: &Catalog, cmd: Command) -> Option<Effect> {
    if matches!(cmd, Command::Edit | Command::View) || cmd.copied().is_some() {
        // Acting on a record ends that lookup: the next thing typed starts a new one rather
        // than being glued to the old query (a cursor key keeps it, as on return from reading).
        state.input.select_all();
    }
    if let Some(what) = cmd.copied() {
        return state.copy(catalog, what);
    }
    if let Some(kinds) = cmd.kinds() {
        // The timeline holds incidents only; choosing a kind goes back to the ranked list.
        state.timeline = false;
        state.kind = match kinds {
            Kinds::Only(k) if state.kind != Some(k) => Some(k),
            _ => None,
        };
        state.enter_search();
        return Some(state.search_request());
    }
    match cmd {
        Command::Back => state.go_history(catalog, true),
        Command::Forward => state.go_history(catalog, false),
        Command::Edit => return state.view_request(catalog).map(Effect::Edit),
        Command::View => return state.view_request(catalog).map(Effect::View),
        Command::Timeline => return Some(state.toggle_timeline()),
        Command::TimelineOf => return state.timeline_of(catalog),
        Command::Claims => state.toggle_claims(catalog),
        Command::NewRecord => return new_record(state),
        Command::Mark => state.toggle_mark(catalog),
        Command::WeakMatches => return Some(state.toggle_weak()),
        _ => {}
    }
    None
}

fn search_command(state: &mut State, catalog: &Catalog, cmd: Command) -> Option<Effect> {
    let row = state.cursor;
    match cmd {
        Command::Down => state.select_row(catalog, row + 1),
        Command::Up => state.select_row(catalog, row.saturating_sub(1)),
        Command::PageDown => state.select_row(catalog, row + page(state)),
        Command::PageUp => state.select_row(catalog, row.saturating_sub(page(state))),
        Command::HalfPageDown => state.select_row(catalog, row + page(state).div_ceil(2)),
        Command::HalfPageUp => {
            state.select_row(catalog, row.saturating_sub(page(state).div_ceil(2)));
        }
        Command::Top => state.select_row(catalog, 0),
        Command::Bottom => state.select_row(catalog, usize::MAX),
        Command::FocusDetail | Command::Open => {
            // Enter reads the row the list has selected.
            if let Some(idx) = state.selected()
                && state.current_idx(catalog) != Some(idx)
            {
                state.show(catalog, idx);
            }
            read(state);
        }
        Command::SwitchPane => read(state),
        Command::Clear => return clear(state),
        Command::DeleteBack
            if state.input.text.is_empty() && state.scope.is_some() && !state.input.selected =>
        {
            state.scope = None;
            return Some(state.search_request());
        }
        Command::DeleteBack
        | Command::DeleteForward
        | Command::DeleteWord
        | Command::DeleteLine
        | Command::CursorLeft
        | Command::CursorRight
        | Command::CursorHome
        | Command::CursorEnd => return state.input.edit(cmd).then(|| state.search_request()),
        other => return record_command(state, catalog, other),
    }
    None
}

/// Focus the detail pane on the record shown.
fn read(state: &mut State) {
    if state.current.is_some() {
        state.mode = Mode::Detail;
        state.input.selected = false;
        state.keep_detail_cursor_visible();
    } else {
        state.message = Some("nothing to read: the list is empty".into());
    }
}

/// Esc in the search box: undo the narrowing one layer at a time (the query, the kind, the
/// scope, the timeline). It never quits: with nothing left to clear it says how to quit.
fn clear(state: &mut State) -> Option<Effect> {
    if !state.input.text.is_empty() {
        state.input.clear();
    } else if state.kind.is_some() {
        state.kind = None;
    } else if state.scope.is_some() {
        state.scope = None;
    } else if state.timeline {
        state.timeline = false;
    } else {
        let quit = state.key_for(Context::Search, Command::Quit);
        state.message = Some(format!("nothing to clear; {quit} quits"));
        return None;
    }
    Some(state.search_request())
}

fn detail_command(state: &mut State, catalog: &Catalog, cmd: Command) -> Option<Effect> {
    let (_, height) = state.detail_size();
    match cmd {
        Command::Down => state.move_detail_cursor(true, 1),
        Command::Up => state.move_detail_cursor(false, 1),
        Command::PageDown => state.page_detail(true),
        Command::PageUp => state.page_detail(false),
        Command::HalfPageDown => state.move_detail_cursor(true, height.div_ceil(2).max(1)),
        Command::HalfPageUp => state.move_detail_cursor(false, height.div_ceil(2).max(1)),
        Command::Top => {
            state.detail.cursor = 0;
            state.detail.scroll = 0;
        }
        Command::Bottom => state.move_detail_cursor(true, usize::MAX),
        Command::Open => match state
            .detail
            .lines
            .get(state.detail.cursor)
            .and_then(|l| l.target.clone())
        {
            Some(t) => state.open_target(catalog, &t),
            None => {
                state.message =
                    Some("not a link: move to a line marked → or ← and press Enter".into());
            }
        },
        Command::FocusList | Command::SwitchPane => state.enter_search(),
        other => return record_command(state, catalog, other),
    }
    None
}

fn help_command(state: &mut State, cmd: Command) -> Option<Effect> {
    let Some(Overlay::Help { filter, scroll }) = &mut state.overlay else {
        return None;
    };
    match cmd {
        Command::Close => state.close_overlay(),
        Command::Down => *scroll += 1,
        Command::Up => *scroll = scroll.saturating_sub(1),
        Command::PageDown => *scroll += 10,
        Command::PageUp => *scroll = scroll.saturating_sub(10),
        Command::Top => *scroll = 0,
        Command::Bottom => *scroll = usize::MAX,
        edit => {
            if filter.edit(edit) {
                *scroll = 0;
            }
        }
    }
    let room = state.viewer_rows().saturating_sub(1);
    if let Some(Overlay::Help { filter, scroll }) = &mut state.overlay {
        // The help draws a heading before each section: scrolling stops where the last page
        // is full.
        let rows = help_rows(&state.keymap, &filter.text);
        *scroll = (*scroll).min(help_last_scroll(&rows, room));
    }
    None
}

/// How far the help can scroll: to where the last page is full. Each section has a heading
/// line, and a page that starts inside a section repeats its heading on top, which takes a line
/// of the page.
pub fn help_last_scroll(rows: &[HelpRow], room: usize) -> usize {
    let mut headings = Vec::with_capacity(rows.len() * 2);
    let mut last = None;
    for row in rows {
        if last != Some(row.section) {
            headings.push(true);
            last = Some(row.section);
        }
        headings.push(false);
    }
    let start = headings.len().saturating_sub(room);
    match headings.get(start) {
        Some(false) if start > 0 => start + 1,
        _ => start,
    }
}

/// One line of the help screen: its section (a context, or the search syntax), the keys or
/// the example, and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpRow {
    pub section: &'static str,
    pub keys: String,
    pub help: &'static str,
}

/// The help screen's rows for a filter, from the keys in effect, then the search syntax with
/// one example per form and per filter.
pub fn help_rows(keymap: &Keymap, filter: &str) -> Vec<HelpRow> {
    const SYNTAX: &str = "Search syntax (words and filters combine: all must match)";
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let keys = keymap.rows().map(|r| {
        let keys: Vec<String> = r.keys.iter().map(ToString::to_string).collect();
        HelpRow {
            section: r.context.title(),
            keys: keys.join(" "),
            help: r.help,
        }
    });
    let syntax = crate::search::WORD_SYNTAX
        .iter()
        .chain(crate::search::FILTER_EXAMPLES)
        .map(|(example, help)| HelpRow {
            section: SYNTAX,
            keys: (*example).to_owned(),
            help,
        });
    keys.chain(syntax)
        .filter(|r| {
            let hay = format!("{} {} {}", r.section, r.keys, r.help).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

fn viewer_command(state: &mut State, cmd: Command) -> Option<Effect> {
    let height = state.viewer_rows();
    let Some(Overlay::Viewer(v)) = &mut state.overlay else {
        return None;
    };
    // The last top line that still fills the box: scrolling stops at the end of the file.
    let last = v.lines.len().saturating_sub(height);
    match cmd {
        Command::Close => state.close_overlay(),
        Command::Down => v.top = (v.top + 1).min(last),
        Command::Up => v.top = v.top.saturating_sub(1),
        Command::PageDown => v.top = (v.top + height).min(last),
        Command::PageUp => v.top = v.top.saturating_sub(height),
        Command::HalfPageDown => v.top = (v.top + height.div_ceil(2)).min(last),
        Command::HalfPageUp => v.top = v.top.saturating_sub(height.div_ceil(2)),
        Command::Top => v.top = 0,
        Command::Bottom => v.top = last,
        Command::Edit => {
            let line = u32::try_from(v.top + 1).unwrap_or(u32::MAX);
            let shown = crate::text::shown(&v.path.display().to_string()).into_owned();
            return Some(Effect::Edit(ViewRequest {
                path: v.path.clone(),
                line,
                highlight: v.highlight,
                about: format!("{shown}:{line}"),
            }));
        }
        _ => {}
    }
    None
}

fn choose_command(state: &mut State, catalog: &Catalog, cmd: Command) -> Option<Effect> {
    let Some(Overlay::Choose(choice)) = &mut state.overlay else {
        return None;
    };
    let last = choice.options.len().saturating_sub(1);
    match cmd {
        Command::Close => state.close_overlay(),
        Command::Down => choice.cursor = (choice.cursor + 1).min(last),
        Command::Up => choice.cursor = choice.cursor.saturating_sub(1),
        Command::Top => choice.cursor = 0,
        Command::Bottom => choice.cursor = last,
        Command::Open => {
            let (_, idx) = *choice.options.get(choice.cursor)?;
            state.close_overlay();
            state.follow(catalog, idx);
        }
        _ => {}
    }
    None
}

fn diagnostics_command(state: &mut State, catalog: &Catalog, cmd: Command) -> Option<Effect> {
    let page = state.viewer_rows() / 2;
    let Some(Overlay::Diagnostics { cursor }) = &mut state.overlay else {
        return None;
    };
    let last = catalog.diagnostics().len().saturating_sub(1);
    match cmd {
        Command::Close => state.close_overlay(),
        Command::Down => *cursor = (*cursor + 1).min(last),
        Command::Up => *cursor = cursor.saturating_sub(1),
        Command::PageDown => *cursor = (*cursor + page.max(1)).min(last),
        Command::PageUp => *cursor = cursor.saturating_sub(page.max(1)),
        Command::Top => *cursor = 0,
        Command::Bottom => *cursor = last,
        Command::Edit | Command::View => {
            let d: &Diagnostic = catalog.diagnostics().get(*cursor)?;
            if d.line == 0 {
                // A folder that could not be read: there is no file to open.
                state.message = Some(format!(
                    "{} is a folder, not a file to open: {}",
                    crate::text::shown(&d.path),
                    d.hint.as_deref().unwrap_or("check its permissions")
                ));
                return None;
            }
            let line = d.line;
            let req = ViewRequest {
                path: catalog.root().join(&d.path),
                line,
                highlight: (line, line),
                about: format!("{}:{line}", crate::text::shown(&d.path)),
            };
            return Some(if cmd == Command::Edit {
                Effect::Edit(req)
            } else {
                Effect::View(req)
            });
        }
        _ => {}
    }
    None
}

fn click(state: &mut State, catalog: &Catalog, column: u16, row: u16) -> Option<Effect> {
    if state.overlay.is_some() {
        return None;
    }
    let areas = state.areas();
    let at = ratatui::layout::Position::new(column, row);
    let list = layout::inner(areas.list);
    let detail = layout::inner(areas.detail);
    if list.contains(at) {
        state.enter_search();
        let r = state.offset + usize::from(row - list.y);
        if r < state.results.hits.len() {
            state.select_row(catalog, r);
        }
    } else if detail.contains(at) {
        state.mode = Mode::Detail;
        state.input.selected = false;
        state.rewrap();
        let hit = state
            .detail
            .rows
            .get(state.detail.scroll + usize::from(row - detail.y))?;
        let line = hit.line;
        if state.selectable(line) {
            state.detail.cursor = line;
        }
        if let Some(t) = state.detail.lines.get(line).and_then(|l| l.target.clone()) {
            state.open_target(catalog, &t);
        }
    } else if areas.search.contains(at) {
        state.enter_search();
    }
    None
}

fn scroll(state: &mut State, catalog: &Catalog, column: u16, row: u16, down: bool) {
    const STEP: usize = 3;
    let rows = state.viewer_rows();
    match &mut state.overlay {
        Some(Overlay::Viewer(v)) => {
            v.top = if down {
                (v.top + STEP).min(v.lines.len().saturating_sub(rows))
            } else {
                v.top.saturating_sub(STEP)
            };
            return;
        }
        Some(Overlay::Help { scroll, .. }) => {
            *scroll = if down {
                *scroll + STEP
            } else {
                scroll.saturating_sub(STEP)
            };
            return;
        }
        Some(Overlay::Diagnostics { .. } | Overlay::Choose(_)) => return,
        None => {}
    }
    let areas = state.areas();
    let at = ratatui::layout::Position::new(column, row);
    if areas.detail.contains(at) {
        state.scroll_detail(down, STEP);
    } else if areas.list.contains(at) {
        let row = if down {
            state.cursor + STEP
        } else {
            state.cursor.saturating_sub(STEP)
        };
        state.select_row(catalog, row);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::load::parse_record;
    use crate::search::{Query, Searcher};

    fn catalog() -> Catalog {
        let files = [
            (
                "sources/ai.yaml",
                "title: Urgent action\npublisher: Amnesty International\ndocument: docs/ua.txt\n",
            ),
            (
                "camps/camp-ashraf.yaml",
                "name: Camp Ashraf\nsources: [ai]\n",
            ),
            (
                "people/fatemeh-tahoori.yaml",
                "name: Fatemeh Tahoori\nstatus: abducted\nsources:\n  - source: ai\n    locator: lines 4-6\n",
            ),
            (
                "people/mohammad-ratebi.yaml",
                "name: Mohammad Ratebi\naliases: [Mohsen Nicknamei]\nstatus: abducted\nsources: [ai]\n",
            ),
            (
                "incidents/abduction.yaml",
                "name: Abduction of seven residents\ntype: abduction\ndate: 2013-09-01\ncamp: camp-ashraf\nparticipants:\n  - person: fatemeh-tahoori\n    role: victim\n    act: abducted\nsources: [ai]\n",
            ),
        ];
        let mut records = Vec::new();
        for (path, text) in files {
            let kind = Kind::from_folder(path.split('/').next().unwrap()).unwrap();
            records.extend(parse_record(path, kind, text).0);
        }
        // As if `load_dir` had found docs/ua.txt inside the folder.
        for r in &mut records {
            if let crate::model::Body::Source(s) = &mut r.body {
                s.document_ok = true;
            }
        }
        Catalog::build(PathBuf::from("/cases"), records, vec![])
    }

    /// Run an action and, like the terminal loop, answer a search effect at once.
    fn act(s: &mut State, c: &Catalog, a: Action) -> Option<Effect> {
        let effect = update(s, c, a);
        if let Some(Effect::Search(req)) = &effect {
            let results = req
                .clone()
                .run(&mut Incremental::default(), c, &|| false)
                .unwrap();
            update(s, c, Action::SearchDone(results));
        }
        effect
    }

    /// The catalog read again: `c` replaces `previous`, a reload begun before any key.
    fn reload(s: &mut State, c: &Catalog, previous: Catalog) {
        act(
            s,
            c,
            Action::Reloaded {
                previous: Arc::new(previous),
                after: None,
                acts_at_start: 0,
            },
        );
    }

    fn cmd(s: &mut State, c: &Catalog, cmd: Command) -> Option<Effect> {
        act(s, c, Action::Command(cmd))
    }

    fn typed(s: &mut State, c: &Catalog, text: &str) {
        for ch in text.chars() {
            act(s, c, Action::Insert(ch));
        }
    }

    fn current(s: &State) -> &str {
        s.current.as_deref().unwrap_or("")
    }

    /// Move the detail cursor to the line whose text contains `needle`.
    fn select_line(s: &mut State, needle: &str) {
        s.detail.cursor = s
            .detail
            .lines
            .iter()
            .position(|l| l.text().contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}"));
    }

    #[test]
    fn marks_are_kept_by_id_across_a_reload_and_copied_in_the_order_marked() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "ratebi");
        cmd(&mut s, &c, Command::Mark);
        cmd(&mut s, &c, Command::Clear);
        typed(&mut s, &c, "abduction");
        cmd(&mut s, &c, Command::Mark);
        assert_eq!(s.marks.len(), 2);
        reload(&mut s, &catalog(), c);
        let c = catalog();
        let Some(Effect::Copy { text, what }) = cmd(&mut s, &c, Command::CopyReferences) else {
            panic!("no copy");
        };
        assert_eq!(what, "a reference list of 2 marked records");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("1. **Mohammad Ratebi**"), "{text}");
        assert!(
            lines[1].starts_with("2. **Abduction of seven residents**"),
            "{text}"
        );
        // Marking again unmarks.
        cmd(&mut s, &c, Command::Mark);
        assert_eq!(s.marks.len(), 1);
    }

    #[test]
    fn the_new_record_key_takes_the_query_as_name_and_the_kind_chosen() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        assert_eq!(cmd(&mut s, &c, Command::NewRecord), None);
        assert!(
            s.message.as_deref().unwrap().contains("type its name"),
            "{:?}",
            s.message
        );
        typed(&mut s, &c, "Nasrin Sotoudeh");
        assert_eq!(cmd(&mut s, &c, Command::NewRecord), None);
        assert!(
            s.message
                .as_deref()
                .unwrap()
                .contains("choose its kind first"),
            "{:?}",
            s.message
        );
        cmd(&mut s, &c, Command::KindPerson);
        assert_eq!(
            cmd(&mut s, &c, Command::NewRecord),
            Some(Effect::NewRecord {
                kind: Kind::Person,
                name: "Nasrin Sotoudeh".into()
            })
        );
        // Written and edited: the record shown is the new one as soon as a reload has it.
        update(
            &mut s,
            &c,
            Action::Created {
                id: Arc::from("nasrin-sotoudeh"),
                about: "new person".into(),
            },
        );
        assert_eq!(current(&s), "nasrin-sotoudeh");
    }

    #[test]
    fn the_timeline_lists_incidents_and_leaves_for_a_kind_or_esc() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        cmd(&mut s, &c, Command::Timeline);
        assert!(s.timeline && s.results.timeline);
        assert_eq!(s.results.hits.len(), 1);
        assert_eq!(current(&s), "abduction");
        // A kind key goes back to the ranked list of that kind.
        cmd(&mut s, &c, Command::KindPerson);
        assert!(!s.results.timeline);
        assert_eq!(s.results.hits.len(), 2);
        // Esc clears the kind first, then leaves the timeline.
        cmd(&mut s, &c, Command::Timeline);
        cmd(&mut s, &c, Command::Clear);
        assert!(s.timeline, "the first Esc only cleared the kind");
        cmd(&mut s, &c, Command::Clear);
        assert!(!s.timeline);
        assert_eq!(s.results.hits.len(), c.len());
    }

    #[test]
    fn the_timeline_of_a_person_is_scoped_by_a_chip_not_by_text() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "tahoori");
        cmd(&mut s, &c, Command::FocusDetail);
        cmd(&mut s, &c, Command::TimelineOf);
        assert_eq!(
            s.scope,
            Some(Scope {
                kind: Kind::Person,
                id: Arc::from("fatemeh-tahoori")
            })
        );
        assert_eq!(s.input.text, "", "the query is free for new typing");
        assert!(s.results.timeline);
        assert_eq!(current(&s), "abduction");
        assert!(s.message.as_deref().unwrap().contains("Fatemeh Tahoori"));
        // Typing filters within the scope, and is not glued to it.
        typed(&mut s, &c, "seven");
        assert_eq!(s.input.text, "seven");
        assert_eq!(s.results.hits.len(), 1);
        typed(&mut s, &c, "x");
        assert!(s.results.hits.is_empty());
        // Backspace edits the query; on the empty query it removes the scope.
        cmd(&mut s, &c, Command::DeleteLine);
        assert!(s.scope.is_some());
        cmd(&mut s, &c, Command::DeleteBack);
        assert_eq!(s.scope, None);
        // From an incident there is no timeline to show; the user is told why.
        cmd(&mut s, &c, Command::TimelineOf);
        assert!(
            s.message
                .as_deref()
                .unwrap()
                .contains("a timeline is for a person, a camp or an organisation")
        );
    }

    #[test]
    fn typing_searches_and_the_best_hit_is_shown() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "nicknamei");
        assert_eq!(s.input.text, "nicknamei");
        assert_eq!(s.results.hits.len(), 1);
        assert_eq!(current(&s), "mohammad-ratebi");
        assert_eq!(s.context(), Context::Search);
    }

    #[test]
    fn every_printable_key_is_text_in_the_search_box() {
        let c = catalog();
        let keymap = Keymap::default();
        // Every letter, digit and sign a name, a date or a reference can hold; the keys that
        // ran commands in the list before (e g G H j k l L q t T v 0-4) among them.
        let text =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '?!-:./~,()فاطمه";
        for ch in text.chars() {
            let key = crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(ch),
                crossterm::event::KeyModifiers::NONE,
            );
            assert_eq!(keymap.lookup(Context::Search, key), None, "{ch:?} is a key");
        }
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, text);
        assert_eq!(s.input.text, text);
        assert_eq!(s.context(), Context::Search);
    }

    #[test]
    fn a_leading_slash_is_the_habit_of_less_not_text() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "/ratebi");
        assert_eq!(s.input.text, "ratebi");
        typed(&mut s, &c, " 14/010");
        assert_eq!(s.input.text, "ratebi 14/010");
    }

    #[test]
    fn esc_never_quits() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "tahoori");
        for _ in 0..5 {
            assert_ne!(cmd(&mut s, &c, Command::Clear), Some(Effect::Quit));
        }
        assert!(s.message.as_deref().unwrap().contains("Ctrl-C quits"));
        cmd(&mut s, &c, Command::FocusDetail);
        for _ in 0..3 {
            assert_ne!(cmd(&mut s, &c, Command::FocusList), Some(Effect::Quit));
        }
    }

    #[test]
    fn only_the_newest_search_answer_counts() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        let Some(Effect::Search(old)) = update(&mut s, &c, Action::Insert('f')) else {
            panic!()
        };
        let Some(Effect::Search(new)) = update(&mut s, &c, Action::Insert('a')) else {
            panic!()
        };
        let answer = |req: &SearchRequest, n: usize| Results {
            generation: req.generation,
            query: req.query.clone(),
            hits: Searcher::default()
                .search(&c, &Query::parse(&req.query))
                .into_iter()
                .take(n)
                .collect(),
            ..Results::default()
        };
        update(&mut s, &c, Action::SearchDone(answer(&new, 1)));
        update(&mut s, &c, Action::SearchDone(answer(&old, 3)));
        assert_eq!(s.results.query, "fa");
        assert_eq!(s.results.hits.len(), 1);
    }

    #[test]
    fn esc_clears_the_query_then_the_kind_filter() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        cmd(&mut s, &c, Command::KindPerson);
        assert_eq!(s.results.hits.len(), 2);
        typed(&mut s, &c, "ratebi");
        cmd(&mut s, &c, Command::Clear);
        assert_eq!(s.context(), Context::Search);
        assert_eq!(s.input.text, "");
        assert_eq!(
            s.results.hits.len(),
            2,
            "the kind filter stays until the next Esc"
        );
        cmd(&mut s, &c, Command::Clear);
        assert_eq!(s.kind, None);
        assert_eq!(s.results.hits.len(), c.len());
    }

    #[test]
    fn kind_keys_toggle() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        cmd(&mut s, &c, Command::KindCamp);
        assert_eq!(s.results.hits.len(), 1);
        cmd(&mut s, &c, Command::KindCamp);
        assert_eq!(s.results.hits.len(), c.len());
    }

    #[test]
    fn follow_links_then_back_and_forward() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "tahoori");
        cmd(&mut s, &c, Command::FocusDetail);
        assert_eq!(s.mode, Mode::Detail);
        select_line(&mut s, "Abduction of seven");
        cmd(&mut s, &c, Command::Open);
        assert_eq!(current(&s), "abduction");
        select_line(&mut s, "Camp Ashraf");
        cmd(&mut s, &c, Command::Open);
        assert_eq!(current(&s), "camp-ashraf");
        assert!(s.message.as_deref().unwrap().contains("Camp Ashraf"));
        select_line(&mut s, "Urgent action");
        cmd(&mut s, &c, Command::Open);
        assert_eq!(current(&s), "ai");
        for expected in ["camp-ashraf", "abduction", "fatemeh-tahoori"] {
            cmd(&mut s, &c, Command::Back);
            assert_eq!(current(&s), expected);
        }
        cmd(&mut s, &c, Command::Back);
        assert_eq!(
            s.message.as_deref(),
            Some("no earlier record in the history")
        );
        cmd(&mut s, &c, Command::Forward);
        assert_eq!(current(&s), "abduction");
        assert!(s.message.as_deref().unwrap().contains("Abduction of seven"));
    }

    #[test]
    fn history_survives_a_search() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "tahoori");
        cmd(&mut s, &c, Command::FocusDetail);
        select_line(&mut s, "Abduction of seven");
        cmd(&mut s, &c, Command::Open);
        cmd(&mut s, &c, Command::FocusList);
        typed(&mut s, &c, "zzz");
        assert!(s.results.hits.is_empty());
        cmd(&mut s, &c, Command::Back);
        assert_eq!(current(&s), "fatemeh-tahoori");
    }

    /// The name the detail pane shows at its top.
    fn shown_title(s: &State) -> String {
        s.detail.lines[0].segs[0].text.clone()
    }

    #[test]
    fn the_record_acted_on_is_the_record_shown_through_follow_back_and_reload() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        let acts_on_shown = |s: &mut State, c: &Catalog| {
            let title = shown_title(s);
            let Some(Effect::Copy { text, what }) = cmd(s, c, Command::CopyCitation) else {
                panic!("no copy")
            };
            assert!(
                text.starts_with(&format!("**{title}**")),
                "{text} / {title}"
            );
            assert!(what.contains(&title), "{what} / {title}");
            assert!(s.message.is_none() || !s.message.as_deref().unwrap().contains("no record"));
            let Some(Effect::Edit(req)) = cmd(s, c, Command::Edit) else {
                panic!("no edit")
            };
            let record = c.get(s.current_idx(c).unwrap());
            assert_eq!(req.path, c.file_path(record), "edit opens {title}");
            assert!(req.about.contains(&title));
        };
        // People only: the abduction names her too, and would be in the list.
        typed(&mut s, &c, "tahoori kind:person");
        acts_on_shown(&mut s, &c);
        cmd(&mut s, &c, Command::FocusDetail);
        select_line(&mut s, "Abduction of seven");
        cmd(&mut s, &c, Command::Open);
        acts_on_shown(&mut s, &c);
        // Back in the search box the list still selects Fatemeh Tahoori, but the pane shows
        // the abduction: the keys act on the abduction.
        cmd(&mut s, &c, Command::FocusList);
        assert_eq!(c.get(s.selected().unwrap()).id.as_ref(), "fatemeh-tahoori");
        assert_eq!(shown_title(&s), "Abduction of seven residents");
        acts_on_shown(&mut s, &c);
        cmd(&mut s, &c, Command::Back);
        assert_eq!(shown_title(&s), "Fatemeh Tahoori");
        acts_on_shown(&mut s, &c);
        cmd(&mut s, &c, Command::Forward);
        acts_on_shown(&mut s, &c);
        // A reload and a search answered late keep what is shown.
        let c2 = Catalog::build(
            PathBuf::from("/cases"),
            c.records().cloned().collect(),
            vec![],
        );
        reload(&mut s, &c2, catalog());
        assert_eq!(shown_title(&s), "Abduction of seven residents");
        acts_on_shown(&mut s, &c2);
        // Moving the selection shows the selected row again.
        cmd(&mut s, &c2, Command::Down);
        assert_eq!(s.selected(), s.current_idx(&c2));
        acts_on_shown(&mut s, &c2);
    }

    #[test]
    fn returning_to_the_search_box_selects_the_query_so_typing_replaces_it() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "tahoori");
        cmd(&mut s, &c, Command::FocusDetail);
        cmd(&mut s, &c, Command::FocusList);
        assert!(s.input.selected);
        assert_eq!(s.input.cursor, s.input.text.len());
        typed(&mut s, &c, "ratebi");
        assert_eq!(s.input.text, "ratebi", "not glued to the old query");
        // The same after the editor, the viewer or a copy from the search box.
        for act in [Command::Edit, Command::View, Command::CopyCitation] {
            cmd(&mut s, &c, act);
            typed(&mut s, &c, "tahoori");
            assert_eq!(s.input.text, "tahoori", "after {act:?}");
        }
        typed(&mut s, &c, "ratebi");
        assert_eq!(
            s.input.text, "tahooriratebi",
            "typing on, not after an act, appends"
        );
        cmd(&mut s, &c, Command::DeleteLine);
        typed(&mut s, &c, "ratebi");
        assert_eq!(current(&s), "mohammad-ratebi");
        // A cursor key keeps the old query for editing instead.
        cmd(&mut s, &c, Command::FocusDetail);
        cmd(&mut s, &c, Command::FocusList);
        cmd(&mut s, &c, Command::CursorEnd);
        typed(&mut s, &c, " x");
        assert_eq!(s.input.text, "ratebi x");
        // Backspace on a selected query deletes it whole.
        cmd(&mut s, &c, Command::DeleteWord);
        assert_eq!(s.input.text, "ratebi ");
        cmd(&mut s, &c, Command::FocusDetail);
        cmd(&mut s, &c, Command::FocusList);
        cmd(&mut s, &c, Command::DeleteBack);
        assert_eq!(s.input.text, "");
    }

    #[test]
    fn a_letter_that_is_no_command_in_the_detail_pane_says_so() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        cmd(&mut s, &c, Command::FocusDetail);
        act(&mut s, &c, Action::Insert('r'));
        assert_eq!(s.input.text, "");
        assert_eq!(s.mode, Mode::Detail);
        let m = s.message.clone().unwrap();
        assert!(m.contains("`r`") && m.contains("search box"), "{m}");
        // A paste is text: it goes to the search box.
        act(&mut s, &c, Action::Paste("ratebi".into()));
        assert_eq!((s.mode, s.input.text.as_str()), (Mode::Search, "ratebi"));
    }

    /// Issue 17, item 17: the search box holds `MAX_QUERY` characters; a paste past that is cut
    /// there, and the status bar says so.
    #[test]
    fn a_paste_longer_than_the_search_box_is_cut_and_the_cut_named() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        let page = "tahoori ".repeat(20_000);
        act(&mut s, &c, Action::Paste(page));
        assert_eq!(s.input.text.chars().count(), MAX_QUERY);
        assert_eq!(s.input.cursor, s.input.text.len());
        assert_eq!(
            s.message.as_deref(),
            Some("the search box holds 1000 characters: the rest of the paste was left out")
        );
        assert_eq!(current(&s), "fatemeh-tahoori");
        // Full: a key typed is not text, and says so again; a deletion makes room.
        typed(&mut s, &c, "x");
        assert_eq!(s.input.text.chars().count(), MAX_QUERY);
        assert!(s.message.is_some());
        cmd(&mut s, &c, Command::DeleteBack);
        typed(&mut s, &c, "x");
        assert!(s.input.text.ends_with('x') && s.message.is_none());
    }

    /// Letters scattered across a title convince nobody: the list leaves such matches out and
    /// counts them; the weak-matches key lists them after the others, and again leaves them out.
    #[test]
    fn weak_matches_are_left_out_until_asked_for() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        // "rat" starts a word of "Mohammad Ratebi"; in "Urgent action" its letters are scattered.
        typed(&mut s, &c, "rat");
        let ids = |s: &State| -> Vec<String> {
            s.results
                .hits
                .iter()
                .map(|h| c.get(h.record).id.to_string())
                .collect()
        };
        assert_eq!(ids(&s), ["mohammad-ratebi"]);
        assert_eq!((s.results.weaker, s.results.weak_shown), (1, false));
        cmd(&mut s, &c, Command::WeakMatches);
        assert_eq!(ids(&s), ["mohammad-ratebi", "ai"]);
        assert!(s.results.weak_shown && s.results.hits[1].weak);
        // The choice holds for the next query, until asked again.
        typed(&mut s, &c, "e");
        assert!(s.results.weak_shown);
        cmd(&mut s, &c, Command::WeakMatches);
        assert_eq!(ids(&s), ["mohammad-ratebi"]);
    }

    #[test]
    fn bad_and_empty_filters_are_named_as_you_type() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        let notes = |s: &mut State, q: &str| {
            cmd(s, &c, Command::DeleteLine);
            typed(s, &c, q);
            s.results.notes.join(" | ")
        };
        assert!(notes(&mut s, "year:20x3").contains("year:20x3 is not a year"));
        assert!(notes(&mut s, "campp:ashraf").contains("did you mean camp:"));
        assert!(notes(&mut s, "camp:nowhere").contains("camp:nowhere matches nothing"));
        assert!(notes(&mut s, "status:abducted camp:nowhere").contains("camp:nowhere"));
        assert_eq!(notes(&mut s, "camp:ashraf"), "");
        assert_eq!(
            notes(&mut s, "10:30"),
            "nothing matches \u{201c}10:30\u{201d}",
            "a time is a word, not a filter"
        );
    }

    #[test]
    fn edit_from_the_search_box_opens_the_record_line_and_from_the_detail_the_field_line() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "ratebi");
        let Some(Effect::Edit(req)) = cmd(&mut s, &c, Command::Edit) else {
            panic!()
        };
        assert_eq!(
            req.path,
            PathBuf::from("/cases/people/mohammad-ratebi.yaml")
        );
        assert_eq!(req.line, 1);
        cmd(&mut s, &c, Command::FocusDetail);
        select_line(&mut s, "Status");
        let Some(Effect::Edit(req)) = cmd(&mut s, &c, Command::Edit) else {
            panic!()
        };
        assert_eq!((req.line, req.highlight), (3, (3, 3)));
    }

    #[test]
    fn a_citation_with_a_local_document_opens_the_document_at_the_locator() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "tahoori");
        cmd(&mut s, &c, Command::FocusDetail);
        select_line(&mut s, "lines 4-6");
        let Some(Effect::View(req)) = cmd(&mut s, &c, Command::View) else {
            panic!()
        };
        assert_eq!(req.path, PathBuf::from("/cases/docs/ua.txt"));
        assert_eq!((req.line, req.highlight), (4, (4, 6)));
    }

    #[test]
    fn locators_that_name_lines() {
        assert_eq!(locator_lines("line 12"), Some((12, 12)));
        assert_eq!(locator_lines("lines 4-6"), Some((4, 6)));
        assert_eq!(locator_lines("L7"), Some((7, 7)));
        assert_eq!(locator_lines("l. 3–5"), Some((3, 5)));
        assert_eq!(locator_lines("paragraph 2"), None);
        assert_eq!(locator_lines("item 3"), None);
    }

    #[test]
    fn selection_is_kept_by_id_when_the_catalog_is_replaced() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        cmd(&mut s, &c, Command::Bottom);
        let before = current(&s).to_owned();
        // A new catalog with one more record sorted before the selection.
        let mut records: Vec<Record> = c.records().cloned().collect();
        records.extend(
            parse_record(
                "people/aaa.yaml",
                Kind::Person,
                "name: Aaa\nsources: [ai]\n",
            )
            .0,
        );
        let c2 = Catalog::build(PathBuf::from("/cases"), records, vec![]);
        reload(&mut s, &c2, c);
        assert_eq!(current(&s), before);
        assert_eq!(c2.get(s.selected().unwrap()).id.as_ref(), before);
    }

    /// While a first load fills the list in, a cursor left on the top row stays there as
    /// records sorted above it come in (fzf's way); one the user moved keeps its record. After
    /// the load's last list the usual rule (by id) is back.
    #[test]
    fn a_list_filling_in_keeps_a_cursor_on_top_on_top() {
        let with = |names: &[&str]| {
            let mut records: Vec<Record> = catalog().records().cloned().collect();
            for name in names {
                let path = format!("people/{}.yaml", name.to_lowercase());
                let text = format!("name: {name}\nsources: [ai]\n");
                records.extend(parse_record(&path, Kind::Person, &text).0);
            }
            Catalog::build(PathBuf::from("/cases"), records, vec![])
        };
        let reading = Reading { read: 5, found: 9 };
        let partial = |s: &mut State, c: &Catalog, previous: Catalog| {
            let previous = Arc::new(previous);
            act(s, c, Action::Partial { previous, reading });
        };
        let (c1, c2, c3) = (with(&[]), with(&["Aaa"]), with(&["Aaa", "Aab"]));
        let mut s = State::new(&c1, 80, 24);
        let top = current(&s).to_owned();
        partial(&mut s, &c2, with(&[]));
        assert_eq!(
            (s.cursor, current(&s)),
            (0, "aaa"),
            "the top row is still the top"
        );
        assert_eq!(s.reading, Some(reading));

        // Moved by the user: the record stays, wherever it goes.
        cmd(&mut s, &c2, Command::Down);
        let moved = current(&s).to_owned();
        partial(&mut s, &c3, with(&["Aaa"]));
        assert_eq!(current(&s), moved);
        assert_eq!(c3.id(s.selected().unwrap()), moved);

        // The last list: the load is over, and a reload keeps the record by id again.
        cmd(&mut s, &c3, Command::Top);
        reload(&mut s, &c3, with(&["Aaa", "Aab"]));
        assert_eq!(s.reading, None);
        assert!(
            s.message
                .as_deref()
                .unwrap()
                .starts_with("every file read:")
        );
        assert_eq!(
            s.filling, None,
            "the search over the last list has answered"
        );
        let shown = current(&s).to_owned();
        let c4 = with(&["Aaa", "Aab", "Aa"]);
        reload(&mut s, &c4, with(&["Aaa", "Aab"]));
        assert_eq!(current(&s), shown, "kept by id, not by row");
        assert_eq!(s.cursor, 1);
        assert_ne!(top, shown);
    }

    #[test]
    fn a_removed_record_gives_way_to_the_selection_not_a_blank_pane() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        while current(&s) != "mohammad-ratebi" {
            cmd(&mut s, &c, Command::Down);
        }
        let records: Vec<Record> = c
            .records()
            .filter(|r| &*r.id != "mohammad-ratebi")
            .cloned()
            .collect();
        let c2 = Catalog::build(PathBuf::from("/cases"), records, vec![]);
        reload(&mut s, &c2, c);
        assert!(s.current.is_some(), "the pane shows something");
        assert_eq!(s.selected(), s.current_idx(&c2));
        assert!(!s.detail.lines.is_empty());
    }

    #[test]
    fn paging_the_detail_pane_takes_the_selection_along() {
        let c = catalog();
        let mut s = State::new(&c, 40, 8);
        typed(&mut s, &c, "tahoori");
        cmd(&mut s, &c, Command::FocusDetail);
        cmd(&mut s, &c, Command::PageDown);
        let (width, height) = s.detail_size();
        let rows = view::wrap(&s.detail.lines, width);
        let row = rows.iter().position(|r| r.line == s.detail.cursor).unwrap();
        assert!(
            (s.detail.scroll..s.detail.scroll + height).contains(&row),
            "the selection is on the page shown"
        );
        let at = s.detail.cursor;
        cmd(&mut s, &c, Command::Down);
        assert!(s.detail.cursor > at, "j goes on from the page, not back up");
    }

    #[test]
    fn a_short_file_is_shown_whole_in_the_viewer() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        let viewer = Viewer {
            path: PathBuf::from("/cases/x.yaml"),
            lines: (1..=19).map(|n| format!("line {n}")).collect(),
            top: 14,
            highlight: (17, 17),
        };
        act(
            &mut s,
            &c,
            Action::ViewerReady {
                viewer,
                about: "x".into(),
                note: None,
            },
        );
        let Some(Overlay::Viewer(v)) = &s.overlay else {
            panic!()
        };
        assert_eq!(v.top, 0, "19 lines fit: none hidden above");
        cmd(&mut s, &c, Command::Down);
        let Some(Overlay::Viewer(v)) = &s.overlay else {
            panic!()
        };
        assert_eq!(v.top, 0, "no scrolling past the end");
    }

    #[test]
    fn a_reload_does_not_talk_over_a_key_pressed_after_it_began() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        typed(&mut s, &c, "ratebi");
        let began = s.acts;
        cmd(&mut s, &c, Command::CopyCitation);
        // The terminal loop carries out the copy and says so.
        update(&mut s, &c, Action::Message("copied a citation".into()));
        let copied = s.message.clone();
        let c2 = Catalog::build(
            PathBuf::from("/cases"),
            c.records().cloned().collect(),
            vec![],
        );
        let reloaded = |s: &mut State, acts_at_start| {
            act(
                s,
                &c2,
                Action::Reloaded {
                    previous: Arc::new(catalog()),
                    after: None,
                    acts_at_start,
                },
            );
        };
        reloaded(&mut s, began);
        assert_eq!(s.message, copied, "the copy's note stays");
        // A reload that began after the last key does speak.
        let now = s.acts;
        reloaded(&mut s, now);
        assert!(s.message.as_deref().unwrap().starts_with("reloaded:"));
    }

    #[test]
    fn the_problems_panel_closes_when_the_last_problem_is_fixed() {
        let c = catalog();
        let broken = Catalog::build(
            PathBuf::from("/cases"),
            c.records().cloned().collect(),
            vec![Diagnostic::error(
                "people/x.yaml",
                crate::model::Pos { line: 1, col: 1 },
                "broken",
            )],
        );
        let mut s = State::new(&broken, 80, 24);
        cmd(&mut s, &broken, Command::Diagnostics);
        assert_eq!(s.context(), Context::Diagnostics);
        reload(&mut s, &c, broken);
        assert!(s.overlay.is_none());
        assert!(s.message.as_deref().unwrap().contains("1 problem fixed"));
    }

    #[test]
    fn resizing_keeps_the_selection_visible() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        cmd(&mut s, &c, Command::Bottom);
        let selected = s.selected();
        act(&mut s, &c, Action::Resize(20, 5));
        assert_eq!(s.selected(), selected);
        assert!(s.cursor >= s.offset && s.cursor < s.offset + s.list_rows().max(1));
    }

    #[test]
    fn help_filters_the_keymap_table_and_the_search_syntax() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        cmd(&mut s, &c, Command::Help);
        assert_eq!(s.context(), Context::Help);
        for ch in "forward".chars() {
            act(&mut s, &c, Action::Insert(ch));
        }
        let Some(Overlay::Help { filter, .. }) = &s.overlay else {
            panic!()
        };
        let rows = help_rows(&s.keymap, &filter.text);
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r.help.contains("forward") || r.keys.contains("forward"))
        );
        // Every filter has its example.
        let all = help_rows(&s.keymap, "");
        for (key, _) in crate::search::FILTER_KEYS {
            assert!(
                all.iter().any(|r| r.keys.starts_with(key)),
                "no example of {key}"
            );
        }
        cmd(&mut s, &c, Command::Bottom);
        cmd(&mut s, &c, Command::Close);
        assert!(s.overlay.is_none());
    }

    #[test]
    fn a_click_on_a_list_row_selects_it_and_on_a_link_follows_it() {
        let c = catalog();
        let mut s = State::new(&c, 100, 30);
        let list = layout::inner(s.areas().list);
        act(
            &mut s,
            &c,
            Action::Click {
                column: list.x + 2,
                row: list.y + 1,
            },
        );
        assert_eq!(s.cursor, 1);
        let row_of = |s: &State, needle: &str| {
            let d = layout::inner(s.areas().detail);
            let rows = view::wrap(&s.detail.lines, usize::from(d.width));
            let r = rows
                .iter()
                .position(|r| r.segs.iter().any(|g| g.text.contains(needle)))
                .unwrap();
            (d.x + 3, d.y + u16::try_from(r - s.detail.scroll).unwrap())
        };
        let id = current(&s).to_owned();
        let target = if id == "fatemeh-tahoori" {
            "Abduction"
        } else {
            "Urgent action"
        };
        let (x, y) = row_of(&s, target);
        act(&mut s, &c, Action::Click { column: x, row: y });
        assert_ne!(current(&s), id);
        assert_eq!(
            s.history.back.last().map(std::string::ToString::to_string),
            Some(id)
        );
    }

    #[test]
    fn tiny_screens_do_not_panic() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        for (w, h) in [(20, 5), (1, 1), (0, 0), (40, 12)] {
            act(&mut s, &c, Action::Resize(w, h));
            for command in [
                Command::Down,
                Command::FocusDetail,
                Command::PageDown,
                Command::Bottom,
                Command::Up,
                Command::PageUp,
                Command::FocusList,
            ] {
                cmd(&mut s, &c, command);
            }
        }
    }
}
