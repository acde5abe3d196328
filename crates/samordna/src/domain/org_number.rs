//! Swedish organisationsnummer: ten digits, the last a Luhn check digit.

use std::fmt;

/// A validated organisationsnummer, kept as its ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgNumberError {
    /// Not ten digits (a dash after the sixth is allowed).
    Format,
    /// The check digit does not match.
    CheckDigit,
}

impl OrgNumber {
    /// Accepts "NNNNNN-NNNN" or "NNNNNNNNNN"; surrounding white space is ignored.
    pub fn parse(input: &str) -> Result<Self, OrgNumberError> {
        let trimmed = input.trim();
        let digits: String = match trimmed.len() {
            10 => trimmed.to_string(),
            11 if trimmed.as_bytes()[6] == b'-' => format!("{}{}", &trimmed[..6], &trimmed[7..]),
            _ => return Err(OrgNumberError::Format),
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OrgNumberError::Format);
        }
        if !luhn_valid(&digits) {
            return Err(OrgNumberError::CheckDigit);
        }
        Ok(Self(digits))
    }

    /// The ten digits without a dash, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..6], &self.0[6..])
    }
}

/// The Luhn (mod 10) check used by Swedish personal and organisation numbers.
pub fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_numbers_with_and_without_dash() {
        // Försäkringskassan and Uppsala kommun.
        assert_eq!(OrgNumber::parse("202100-5521").unwrap().digits(), "2021005521");
        assert_eq!(OrgNumber::parse(" 2120003005 ").unwrap().to_string(), "212000-3005");
    }

    #[test]
    fn rejects_a_wrong_check_digit() {
        assert_eq!(OrgNumber::parse("202100-5522"), Err(OrgNumberError::CheckDigit));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in ["", "20210-05521", "202100_5521", "20210055211", "2021OO5521", "202100-552"] {
            assert_eq!(OrgNumber::parse(bad), Err(OrgNumberError::Format), "{bad}");
        }
    }

    #[test]
    fn luhn_matches_hand_computed_sums() {
        // 2021005521: doubled odd positions from the right 2,0,0,5,2 -> 4,0,0,1(10-9),4 = 9;
        // the others 0,1,0,5,1 = 7... plus the check digit: total 20.
        assert!(luhn_valid("2021005521"));
        assert!(!luhn_valid("2021005520"));
    }
}
