//! Partial and uncertain dates, as researchers write them.
//!
//! Sources rarely give a full date: "2013", "September 2013", "28 July" with no year. A date is
//! kept exactly as written and parsed beside it into the span of days it could mean, so records
//! sort by the earliest day a date could be while the screen shows what the file says.
//!
//! Grammar (a subset of ISO 8601-2 / EDTF): `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each optionally
//! followed by `~` (approximate), `?` (uncertain) or `%` (both); and intervals `A/B`, where either
//! end may be `..` (open).

use std::fmt;

/// One calendar day packed as `yyyymmdd`, so that integer order is calendar order.
pub(crate) type Day = u32;

/// How much of a date was written.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
)]
pub enum Precision {
    Year,
    Month,
    Day,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Point {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
    pub approximate: bool,
    pub uncertain: bool,
}

impl Point {
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    /// The first day this point could mean.
    pub fn earliest(&self) -> Day {
        pack(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this point could mean.
    pub fn latest(&self) -> Day {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        pack(self.year, month, day)
    }
}

/// A parsed date: a single point, or an interval whose ends may be open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Span {
    Point(Point),
    Interval(Option<Point>, Option<Point>),
}

impl Span {
    /// The earliest day the date could be; open starts sort first.
    pub fn earliest(&self) -> Day {
        match self {
            Span::Point(p) | Span::Interval(Some(p), _) => p.earliest(),
            Span::Interval(None, _) => 0,
        }
    }

    /// The latest day the date could be; open ends sort last.
    pub fn latest(&self) -> Day {
        match self {
            Span::Point(p) | Span::Interval(_, Some(p)) => p.latest(),
            Span::Interval(_, None) => Day::MAX,
        }
    }

    /// Years this date could touch, for `year:` filters: an interval overlaps every year between
    /// its ends, and an open end reaches as far as time goes (`2012/..` may still be going on in
    /// 2016; `../2003` began at some time before 2003), so a filter never hides what a record
    /// leaves possible.
    pub(crate) fn years(&self) -> (u16, u16) {
        match *self {
            Span::Point(p) => (p.year, p.year),
            Span::Interval(a, b) => (a.map_or(0, |p| p.year), b.map_or(u16::MAX, |p| p.year)),
        }
    }

    /// The date in a short form that cannot be misread, for columns: a point as written, an
    /// interval with both ends (`2012–2016?`), an open end in words (`from 2012`, `to 2003`).
    pub fn compact(text: &str) -> String {
        match text.split_once('/') {
            Some(("..", end)) => format!("to {end}"),
            Some((start, "..")) => format!("from {start}"),
            Some((start, end)) => format!("{start}–{end}"),
            None => text.to_owned(),
        }
    }

    pub(crate) fn is_uncertain(&self) -> bool {
        self.points().any(|p| p.uncertain)
    }

    pub(crate) fn is_approximate(&self) -> bool {
        self.points().any(|p| p.approximate)
    }

    fn points(&self) -> impl Iterator<Item = Point> {
        let (a, b) = match *self {
            Span::Point(p) => (Some(p), None),
            Span::Interval(a, b) => (a, b),
        };
        a.into_iter().chain(b)
    }

    /// A few words on how exact the date is, for readers ("year only", "approximate", ...).
    pub(crate) fn describe(&self) -> Option<String> {
        let mut words = Vec::new();
        match self {
            Span::Point(p) => match p.precision() {
                Precision::Year => words.push("year only"),
                Precision::Month => words.push("month only"),
                Precision::Day => {}
            },
            Span::Interval(None, _) | Span::Interval(_, None) => words.push("open interval"),
            Span::Interval(..) => words.push("interval"),
        }
        if self.is_approximate() {
            words.push("approximate");
        }
        if self.is_uncertain() {
            words.push("uncertain");
        }
        (!words.is_empty()).then(|| words.join(", "))
    }
}

/// Why a date could not be read. The message names the offending part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) const DATE_HINT: &str = "write YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ~ (approximate) or ? (uncertain), or an interval such as 2011-01/2011-02 or 2008-07/..";

pub fn parse(text: &str) -> Result<Span, DateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateError("empty date".into()));
    }
    match text.split_once('/') {
        None => parse_point(text).map(Span::Point),
        Some((a, b)) => {
            let end = |s: &str| {
                if s == ".." {
                    Ok(None)
                } else {
                    parse_point(s).map(Some)
                }
            };
            let (start, stop) = (end(a)?, end(b)?);
            if start.is_none() && stop.is_none() {
                return Err(DateError(format!("interval `{text}` is open at both ends")));
            }
            if let (Some(s), Some(e)) = (start, stop)
                && s.earliest() > e.latest()
            {
                return Err(DateError(format!(
                    "interval `{text}` ends before it starts"
                )));
            }
            Ok(Span::Interval(start, stop))
        }
    }
}

fn parse_point(text: &str) -> Result<Point, DateError> {
    let (body, approximate, uncertain) = match text.as_bytes().last() {
        Some(b'~') => (&text[..text.len() - 1], true, false),
        Some(b'?') => (&text[..text.len() - 1], false, true),
        Some(b'%') => (&text[..text.len() - 1], true, true),
        _ => (text, false, false),
    };
    let mut parts = body.split('-');
    let year = parts.next().unwrap_or_default();
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError(format!(
            "`{text}` does not start with a four-digit year"
        )));
    }
    let year: u16 = year
        .parse()
        .map_err(|_| DateError(format!("bad year in `{text}`")))?;
    let number = |part: Option<&str>, what: &str, max: u8| -> Result<Option<u8>, DateError> {
        let Some(part) = part else { return Ok(None) };
        if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DateError(format!(
                "the {what} in `{text}` must be two digits"
            )));
        }
        let n: u8 = part.parse().unwrap_or(0);
        if n == 0 || n > max {
            return Err(DateError(format!(
                "{what} {n} is out of range in `{text}` (1-{max})"
            )));
        }
        Ok(Some(n))
    };
    let month = number(parts.next(), "month", 12)?;
    let day_limit = month.map_or(31, |m| days_in_month(year, m));
    let day = number(parts.next(), "day", day_limit)?;
    if parts.next().is_some() {
        return Err(DateError(format!(
            "`{text}` has more parts than YYYY-MM-DD"
        )));
    }
    Ok(Point {
        year,
        month,
        day,
        approximate,
        uncertain,
    })
}

fn pack(year: u16, month: u8, day: u8) -> Day {
    u32::from(year) * 10_000 + u32::from(month) * 100 + u32::from(day)
}

/// The days in a month of a year, leap years by the Gregorian rule.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_sorts_before_any_day_in_it_and_says_it_is_a_year() {
        let year = parse("2013").unwrap();
        let day = parse("2013-09-01").unwrap();
        assert!(year.earliest() < day.earliest());
        assert_eq!(year.describe().as_deref(), Some("year only"));
        assert_eq!(day.describe(), None);
    }

    #[test]
    fn qualifiers_mark_approximate_and_uncertain() {
        let d = parse("2009-07~").unwrap();
        assert!(d.is_approximate() && !d.is_uncertain());
        assert_eq!(d.describe().as_deref(), Some("month only, approximate"));
        assert!(parse("2011?").unwrap().is_uncertain());
        let both = parse("2011-04%").unwrap();
        assert!(both.is_uncertain() && both.is_approximate());
    }

    #[test]
    fn intervals_and_open_ends() {
        let d = parse("2011-01/2011-02").unwrap();
        assert_eq!(d.earliest(), 20_110_101);
        assert_eq!(d.latest(), 20_110_228);
        let open = parse("2008-07-03/..").unwrap();
        assert_eq!(open.earliest(), 20_080_703);
        assert_eq!(open.latest(), Day::MAX);
        assert_eq!(open.years(), (2008, u16::MAX));
        assert_eq!(parse("../2003").unwrap().years(), (0, 2003));
        assert_eq!(parse("2012/2016?").unwrap().years(), (2012, 2016));
        assert_eq!(Span::compact("2012/2016?"), "2012–2016?");
        assert_eq!(Span::compact("../2003"), "to 2003");
        assert_eq!(Span::compact("2010-01-24/.."), "from 2010-01-24");
        assert_eq!(Span::compact("1985~"), "1985~");
        assert!(parse("../..").is_err());
        assert!(parse("2012/2011").is_err());
    }

    #[test]
    fn impossible_dates_are_refused_with_the_reason() {
        assert_eq!(
            parse("2013-13").unwrap_err().0,
            "month 13 is out of range in `2013-13` (1-12)"
        );
        assert!(parse("2013-02-29").is_err());
        assert!(parse("2012-02-29").is_ok());
        assert!(parse("13-09-01").is_err());
        assert!(parse("2013-9-1").is_err());
        assert!(parse("July 2013").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn latest_day_of_a_month_knows_leap_years() {
        assert_eq!(parse("2012-02").unwrap().latest(), 20_120_229);
        assert_eq!(parse("1900-02").unwrap().latest(), 19_000_228);
    }
}
