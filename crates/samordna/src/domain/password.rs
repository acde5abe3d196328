//! Passwords: the policy a new password must meet, and argon2id hashing.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordPolicyError {
    TooShort,
    TooLong,
    SameAsEmail,
}

/// Length is what makes a password strong; no composition rules (NIST SP 800-63B).
pub fn check_policy(password: &str, email: &str) -> Result<(), PasswordPolicyError> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(PasswordPolicyError::TooShort);
    }
    if chars > MAX_LENGTH {
        return Err(PasswordPolicyError::TooLong);
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(PasswordPolicyError::SameAsEmail);
    }
    Ok(())
}

/// An argon2id hash in PHC string form. Slow on purpose: call it off the async runtime.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail on a valid salt")
        .to_string()
}

/// True when `password` matches `phc`; false for a wrong password or a malformed hash.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when the account does not exist so that a
/// failed login takes the same time either way.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&crate::service::tokens::random_token()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_requires_length_and_not_the_email() {
        assert_eq!(check_policy("kort", "a@b.se"), Err(PasswordPolicyError::TooShort));
        assert_eq!(check_policy(&"x".repeat(257), "a@b.se"), Err(PasswordPolicyError::TooLong));
        assert_eq!(check_policy("anna@enkoping.se", "anna@enkoping.se"), Err(PasswordPolicyError::SameAsEmail));
        assert_eq!(check_policy("korrekt häst batteri", "a@b.se"), Ok(()));
        // Counted in characters, not bytes: eleven å is too short.
        assert_eq!(check_policy(&"å".repeat(11), "a@b.se"), Err(PasswordPolicyError::TooShort));
    }

    #[test]
    fn hash_verifies_only_the_same_password() {
        let h = hash("korrekt häst batteri");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("korrekt häst batteri", &h));
        assert!(!verify("korrekt hast batteri", &h));
        assert!(!verify("korrekt häst batteri", "not a hash"));
    }
}
