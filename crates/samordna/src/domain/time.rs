//! Time: stored in UTC with microsecond precision (what PostgreSQL keeps), shown in
//! Europe/Stockholm, written the Swedish way.

use chrono::{DateTime, Datelike, NaiveDate, SubsecRound, Utc};
use chrono_tz::Europe::Stockholm;

pub type Timestamp = DateTime<Utc>;

/// Now, truncated to microseconds so a value read back from either database equals the one written.
pub fn now() -> Timestamp {
    Utc::now().trunc_subsecs(6)
}

/// Today's date in Sweden.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Stockholm).date_naive()
}

/// The day in Sweden when something happened.
pub fn local_date(ts: Timestamp) -> NaiveDate {
    ts.with_timezone(&Stockholm).date_naive()
}

/// "2026-11-22 14:05" in Swedish local time.
pub fn format_local(ts: Timestamp) -> String {
    ts.with_timezone(&Stockholm).format("%Y-%m-%d %H:%M").to_string()
}

/// "2026-11-22 14:05:09" in Swedish local time.
pub fn format_local_seconds(ts: Timestamp) -> String {
    ts.with_timezone(&Stockholm).format("%Y-%m-%d %H:%M:%S").to_string()
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// "1 januari 2022", as decisions write dates.
pub fn long_date(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

/// The start of a local Swedish calendar day, in UTC (for filters typed as dates).
pub fn local_day_start(date: NaiveDate) -> Timestamp {
    use chrono::TimeZone;
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    match Stockholm.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // Sweden never skips midnight, but be total anyway.
        chrono::LocalResult::None => midnight.and_utc(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_stockholm_time_in_summer_and_winter() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
        assert_eq!(format_local(winter), "2026-01-15 13:00");
        assert_eq!(format_local(summer), "2026-07-15 14:00");
    }

    #[test]
    fn writes_long_swedish_dates() {
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2022, 1, 1).unwrap()), "1 januari 2022");
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()), "31 december 2022");
    }

    #[test]
    fn local_day_starts_at_swedish_midnight() {
        let d = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(local_day_start(d), Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap());
    }

    #[test]
    fn now_has_microsecond_precision() {
        assert_eq!(now().timestamp_subsec_nanos() % 1000, 0);
    }
}
