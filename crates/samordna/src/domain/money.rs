//! Money as integer öre, written and read the Swedish way ("4 200 000 kr", "1,4 mkr").

use std::fmt;

/// An amount in öre. Sums never lose precision and never overflow silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    Invalid,
    TooLarge,
}

const ORE_PER_KRONA: i64 = 100;
/// Larger than any amount a samordningsförbund handles, small enough that sums of thousands of
/// rows stay far from overflow.
const MAX_ORE: i64 = 1_000_000_000_000 * ORE_PER_KRONA;

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_ore(ore: i64) -> Self {
        Money(ore)
    }

    pub const fn from_kronor(kronor: i64) -> Self {
        Money(kronor * ORE_PER_KRONA)
    }

    pub fn ore(self) -> i64 {
        self.0
    }

    /// Whole kronor, rounded half away from zero (the API's `_sek` fields).
    pub fn kronor_rounded(self) -> i64 {
        let q = self.0 / ORE_PER_KRONA;
        let r = self.0 % ORE_PER_KRONA;
        if r.abs() * 2 >= ORE_PER_KRONA {
            q + self.0.signum()
        } else {
            q
        }
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Reads what a person types: "4200000", "4 200 000", "4 200 000 kr" (ordinary or
    /// non-breaking spaces), "12 500,50 kr", "1,4 mkr", "350 tkr".
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\t'))
            .collect::<String>()
            .to_lowercase();
        if compact.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (number, factor) = if let Some(n) = compact.strip_suffix("mkr") {
            (n, 1_000_000)
        } else if let Some(n) = compact.strip_suffix("tkr") {
            (n, 1_000)
        } else if let Some(n) = compact.strip_suffix("kr") {
            (n, 1)
        } else if let Some(n) = compact.strip_suffix(":-") {
            (n, 1)
        } else {
            (compact.as_str(), 1)
        };
        let (negative, number) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number),
        };
        let (whole, fraction) = match number.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (number, ""),
        };
        if whole.is_empty() && fraction.is_empty() {
            return Err(MoneyError::Invalid);
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::Invalid);
        }
        // The amount in öre is whole * factor * 100 + fraction scaled to öre; the fraction may
        // have more digits than öre only when the factor makes up for them (1,4 mkr), and then
        // must come out exact.
        let scale = factor * ORE_PER_KRONA;
        let whole_ore = if whole.is_empty() {
            0
        } else {
            whole.parse::<i64>().ok().and_then(|w| w.checked_mul(scale)).ok_or(MoneyError::TooLarge)?
        };
        let mut fraction_ore: i64 = 0;
        let mut unit = scale;
        for digit in fraction.bytes() {
            let d = i64::from(digit - b'0');
            if unit % 10 != 0 {
                if d != 0 {
                    return Err(MoneyError::Invalid); // finer than one öre
                }
                continue;
            }
            unit /= 10;
            fraction_ore += d * unit;
        }
        let total = whole_ore.checked_add(fraction_ore).ok_or(MoneyError::TooLarge)?;
        if total > MAX_ORE {
            return Err(MoneyError::TooLarge);
        }
        Ok(Money(if negative { -total } else { total }))
    }

    /// "4 200 000" or "12 500,50": groups of three with a non-breaking space, öre only when present.
    pub fn format_number(self) -> String {
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let kronor = abs / ORE_PER_KRONA as u64;
        let ore = abs % ORE_PER_KRONA as u64;
        let digits = kronor.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('\u{a0}');
            }
            grouped.push(c);
        }
        let sign = if negative { "−" } else { "" };
        if ore == 0 {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped},{ore:02}")
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\u{a0}kr", self.format_number())
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_ways_people_write_amounts() {
        let four_point_two_million = Money::from_kronor(4_200_000);
        for input in ["4200000", "4 200 000", "4\u{a0}200\u{a0}000", "4 200 000 kr", "4,2 mkr", "4200 tkr"] {
            assert_eq!(Money::parse(input), Ok(four_point_two_million), "{input}");
        }
        assert_eq!(Money::parse("1,4 mkr"), Ok(Money::from_kronor(1_400_000)));
        assert_eq!(Money::parse("12 500,50 kr"), Ok(Money::from_ore(1_250_050)));
        assert_eq!(Money::parse("0,05"), Ok(Money::from_ore(5)));
        assert_eq!(Money::parse("-300"), Ok(Money::from_kronor(-300)));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert_eq!(Money::parse("  "), Err(MoneyError::Empty));
        for bad in ["abc", "12a", "1,2,3", ",", "1,234 kr", "kr", "1.5.2"] {
            assert_eq!(Money::parse(bad), Err(MoneyError::Invalid), "{bad}");
        }
        assert_eq!(Money::parse("99999999999999999999"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn formats_with_swedish_grouping() {
        assert_eq!(Money::from_kronor(7_711_000).to_string(), "7\u{a0}711\u{a0}000\u{a0}kr");
        assert_eq!(Money::from_kronor(999).format_number(), "999");
        assert_eq!(Money::from_kronor(1000).format_number(), "1\u{a0}000");
        assert_eq!(Money::from_ore(1_250_050).format_number(), "12\u{a0}500,50");
        assert_eq!(Money::from_kronor(-2_500).format_number(), "−2\u{a0}500");
    }

    #[test]
    fn rounds_to_whole_kronor_half_away_from_zero() {
        assert_eq!(Money::from_ore(149).kronor_rounded(), 1);
        assert_eq!(Money::from_ore(150).kronor_rounded(), 2);
        assert_eq!(Money::from_ore(-150).kronor_rounded(), -2);
        assert_eq!(Money::from_ore(-149).kronor_rounded(), -1);
    }

    #[test]
    fn sums_exactly() {
        let rows = [1_400_000, 1_400_000, 1_400_000].map(Money::from_kronor);
        assert_eq!(rows.into_iter().sum::<Money>(), Money::from_kronor(4_200_000));
    }
}
