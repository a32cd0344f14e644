//! Where each part of the screen goes, from the terminal size alone.
//!
//! `app::update` needs the same geometry as drawing (to keep the selection visible, to know which
//! row a mouse click hit), so it is computed here, once, from state, and never discovered by
//! drawing.

use ratatui::layout::Rect;

/// At this width and above both panes sit side by side; below it, one pane at a time.
pub const WIDE: u16 = 80;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub search: Rect,
    pub list: Rect,
    pub detail: Rect,
    pub status: Rect,
    /// One pane at a time; the other has zero size.
    pub narrow: bool,
}

/// Split a `width` x `height` screen. `detail_first` chooses the pane shown when narrow.
pub fn areas(width: u16, height: u16, detail_first: bool) -> Areas {
    let full = Rect::new(0, 0, width, height);
    let bar = |y: u16| Rect::new(0, y, width, 1).intersection(full);
    let search = bar(0);
    let status = if height >= 4 {
        bar(height - 1)
    } else {
        Rect::default()
    };
    let body_top = search.height;
    let body_height = height.saturating_sub(body_top + status.height);
    let body = Rect::new(0, body_top, width, body_height);
    let narrow = width < WIDE;
    let (list, detail) = if narrow {
        if detail_first {
            (Rect::new(0, body_top, 0, body_height), body)
        } else {
            (body, Rect::new(width, body_top, 0, body_height))
        }
    } else {
        let list_width = (width * 2 / 5).max(30);
        (
            Rect::new(0, body_top, list_width, body_height),
            Rect::new(list_width, body_top, width - list_width, body_height),
        )
    };
    Areas {
        search,
        list,
        detail,
        status,
        narrow,
    }
}

/// The inside of a bordered pane.
pub fn inner(r: Rect) -> Rect {
    if r.width < 2 || r.height < 2 {
        return Rect::new(r.x, r.y, 0, 0);
    }
    Rect::new(r.x + 1, r.y + 1, r.width - 2, r.height - 2)
}

/// A centred box for overlays (help, viewer, diagnostics), as large as the screen allows while
/// leaving the status bar visible (it explains, for instance, why the viewer opened).
pub fn overlay(width: u16, height: u16) -> Rect {
    let avail = if height >= 4 { height - 1 } else { height };
    let w = if width > 100 {
        width - width / 8
    } else {
        width
    };
    let h = if avail > 30 { avail - avail / 8 } else { avail };
    Rect::new((width - w) / 2, (avail - h) / 2, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_show_both_panes() {
        let a = areas(80, 24, false);
        assert!(!a.narrow);
        assert_eq!(a.list, Rect::new(0, 1, 32, 22));
        assert_eq!(a.detail, Rect::new(32, 1, 48, 22));
        assert_eq!(a.status, Rect::new(0, 23, 80, 1));
    }

    #[test]
    fn narrow_screens_show_one_pane() {
        let a = areas(40, 12, true);
        assert!(a.narrow);
        assert_eq!(a.list.width, 0);
        assert_eq!(a.detail, Rect::new(0, 1, 40, 10));
    }

    #[test]
    fn tiny_and_empty_screens_do_not_underflow() {
        for (w, h) in [(20, 5), (1, 1), (0, 0), (3, 2)] {
            let a = areas(w, h, false);
            assert!(
                a.list.bottom() <= h.max(1) && a.list.right() <= w.max(1),
                "{w}x{h}: {a:?}"
            );
            let _ = inner(a.list);
            let _ = overlay(w, h);
        }
    }
}
