//! The timeline: incidents in date order, as dates are really written.
//!
//! A date may be a day, a month or only a year, approximate or uncertain, or disputed between
//! sources. An incident sorts by the earliest day any of its dates could mean, and where that
//! day is the same, the less precise date first: "2013" opens the year, before "2013-01" and
//! "2013-01-01", because it could be any day of it. Undated incidents come last. The row shows
//! the date as the file writes it and says how exact it is ("year only", "disputed"), so the
//! order never passes off a guess as a fact.

use crate::date::{Precision, Span};
use crate::index::Catalog;
use crate::model::{Dates, Record};
use crate::search::Hit;

/// Where a record sorts: earliest day (undated last), then coarser dates first.
pub(crate) fn key(record: &Record) -> (u32, u8) {
    let Some(dates) = dates(record) else {
        return (u32::MAX, 0);
    };
    let earliest = dates.earliest().unwrap_or(u32::MAX);
    let precision = dates
        .iter()
        .filter_map(|c| c.date.span)
        .filter(|s| s.earliest() == earliest)
        .map(|s| precision_rank(&s))
        .min()
        .unwrap_or(0);
    (earliest, precision)
}

fn precision_rank(span: &Span) -> u8 {
    let precision = match span {
        Span::Point(p) | Span::Interval(Some(p), _) => p.precision(),
        Span::Interval(None, _) => Precision::Year,
    };
    match precision {
        Precision::Year => 0,
        Precision::Month => 1,
        Precision::Day => 2,
    }
}

fn dates(record: &Record) -> Option<&Dates> {
    record.incident().map(|i| &i.date).filter(|d| !d.is_empty())
}

/// Put hits in date order. The sort is stable, so records with the same date keep the order
/// they had (best match first when there is a query).
pub fn order(catalog: &Catalog, hits: &mut [Hit]) {
    hits.sort_by_cached_key(|h| key(catalog.get(h.record)));
}

/// The date column of a timeline row: the earliest date as written, and how exact it is.
pub fn when(record: &Record) -> (String, Option<String>) {
    let Some(dates) = dates(record) else {
        return (String::new(), Some("no date".into()));
    };
    let earliest = dates.earliest();
    let first = dates
        .iter()
        .find(|c| c.date.span.map(|s| s.earliest()) == earliest)
        .or_else(|| dates.iter().next());
    let Some(claim) = first else {
        return (String::new(), Some("no date".into()));
    };
    let mut words: Vec<String> = claim
        .date
        .span
        .and_then(|s| s.describe())
        .into_iter()
        .collect();
    if claim.date.span.is_none() {
        words.push("not a date".into());
    }
    if dates.is_disputed() {
        words.push("disputed".into());
    }
    let note = (!words.is_empty()).then(|| words.join(", "));
    (claim.date.text.shown().to_owned(), note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Limits;

    fn catalog(files: &[(&str, &str)]) -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join("incidents").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let c = Catalog::open(dir.path(), Limits::default()).unwrap();
        (dir, c)
    }

    fn incident(name: &str, date: &str) -> String {
        format!("name: {name}\ntype: attack\ndate: \"{date}\"\n")
    }

    #[test]
    fn partial_dates_open_their_period_and_undated_come_last() {
        let (_dir, c) = catalog(&[
            ("a.yaml", &incident("Day", "2013-09-01")),
            ("b.yaml", &incident("Year", "2013")),
            ("c.yaml", "name: Undated\ntype: attack\n"),
            ("d.yaml", &incident("Month", "2013-09")),
            ("e.yaml", &incident("Earlier", "2012-12-31")),
            ("f.yaml", &incident("New year", "2013-01-01")),
            ("g.yaml", &incident("Open start", "../2010")),
            ("h.yaml", &incident("About", "2013-09~")),
        ]);
        let mut hits: Vec<Hit> = (0..c.len() as u32).map(Hit::unranked).collect();
        order(&c, &mut hits);
        let names: Vec<&str> = hits.iter().map(|h| c.get(h.record).name.raw()).collect();
        assert_eq!(
            names,
            [
                "Open start",
                "Earlier",
                "Year",
                "New year",
                // Same day and precision: the order they had (here the catalog's, by name).
                "About",
                "Month",
                "Day",
                "Undated"
            ]
        );
        let by_name = |n: &str| c.records().find(|r| r.name.raw() == n).map(when).unwrap();
        assert_eq!(by_name("Year"), ("2013".into(), Some("year only".into())));
        assert_eq!(
            by_name("About"),
            ("2013-09~".into(), Some("month only, approximate".into()))
        );
        assert_eq!(by_name("Day"), ("2013-09-01".into(), None));
        assert_eq!(by_name("Undated"), (String::new(), Some("no date".into())));
    }

    #[test]
    fn a_disputed_date_sorts_by_its_earliest_claim_and_says_so() {
        let (_dir, c) = catalog(&[
            (
                "a.yaml",
                "name: Raid\ntype: attack\ndate:\n  - date: \"2009-07-29\"\n  - date: \"2009-07-28\"\n",
            ),
            ("b.yaml", &incident("Between", "2009-07-28")),
        ]);
        let raid = c.records().find(|r| r.name.raw() == "Raid").unwrap();
        let between = c.records().find(|r| r.name.raw() == "Between").unwrap();
        assert_eq!(key(raid), key(between));
        assert_eq!(when(raid), ("2009-07-28".into(), Some("disputed".into())));
    }
}
