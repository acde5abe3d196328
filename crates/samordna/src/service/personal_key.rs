//! The key that protects participants' identities: personnummer and names are stored sealed
//! (XChaCha20-Poly1305), and found again through a keyed hash (HMAC-SHA-256) that reveals
//! nothing without the key. The key comes from the configuration, never from the database.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::domain::participant::PersonalNumber;

#[derive(Clone)]
pub struct PersonalKey {
    seal: [u8; 32],
    index: [u8; 32],
}

impl std::fmt::Debug for PersonalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonalKey(*****)")
    }
}

/// Sealed text starts with this, so that a later key or cipher can live beside it.
const PREFIX: &str = "v1:";

impl PersonalKey {
    /// A key from 32 random bytes written as 64 hexadecimal digits or in base64.
    pub fn parse(text: &str) -> Result<PersonalKey, &'static str> {
        let text = text.trim();
        let bytes = hex::decode(text)
            .ok()
            .or_else(|| STANDARD.decode(text).ok())
            .ok_or("the participant key must be 32 bytes as 64 hexadecimal digits or base64")?;
        if bytes.len() != 32 {
            return Err("the participant key must be exactly 32 bytes");
        }
        Ok(PersonalKey::derive(&bytes))
    }

    /// The key of demo installations: public, so never for real participants.
    pub fn demo() -> PersonalKey {
        PersonalKey::derive(b"samordna demo key - not for real participants")
    }

    /// A fresh random key, written as hex, for `samordna key generate`.
    pub fn generate_text() -> String {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        hex::encode(key)
    }

    fn derive(master: &[u8]) -> PersonalKey {
        let part = |label: &[u8]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update(label);
            h.update(master);
            h.finalize().into()
        };
        PersonalKey { seal: part(b"samordna/seal/"), index: part(b"samordna/index/") }
    }

    pub fn seal(&self, plain: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.seal).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher.encrypt(&nonce, plain.as_bytes()).expect("encryption of a short text does not fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// The plain text, or None when it was sealed with another key or has been altered.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = STANDARD.decode(sealed.strip_prefix(PREFIX)?).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, body) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.seal).into());
        let plain = cipher.decrypt(XNonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }

    /// The same person with the same owner always gets the same index; other owners another.
    pub fn index(&self, owner_member_id: i64, number: &PersonalNumber) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index).expect("HMAC takes any key length");
        mac.update(owner_member_id.to_string().as_bytes());
        mac.update(b":");
        mac.update(number.digits().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_key() {
        let key = PersonalKey::parse(&"ab".repeat(32)).unwrap();
        let sealed = key.seal("19121212-1212");
        assert!(!sealed.contains("1912"));
        assert_ne!(sealed, key.seal("19121212-1212"), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).as_deref(), Some("19121212-1212"));
        assert_eq!(PersonalKey::demo().open(&sealed), None);
        let mut altered = sealed.clone();
        altered.pop();
        altered.push('A');
        assert_eq!(key.open(&altered), None);
        assert!(PersonalKey::parse("abc").is_err());
        assert!(PersonalKey::parse(&PersonalKey::generate_text()).is_ok());
        assert_eq!(format!("{key:?}"), "PersonalKey(*****)");
    }

    #[test]
    fn the_index_is_per_owner() {
        let key = PersonalKey::demo();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let p = PersonalNumber::parse("19121212-1212", today).unwrap();
        assert_eq!(key.index(1, &p), key.index(1, &p));
        assert_ne!(key.index(1, &p), key.index(2, &p));
        assert!(!key.index(1, &p).contains("1912"));
    }
}
