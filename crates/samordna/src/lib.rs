//! Samordna: applications, decisions, participant follow-up and economy for Swedish
//! samordningsförbund (coordination associations under the Finsam law).
//!
//! Layers, from the outside in: [`http`] (pages and the JSON API) calls [`service`] (one use
//! case, one transaction, its audit event), which calls [`storage`] (all SQL, for SQLite and
//! PostgreSQL). [`domain`] holds the types, rules and calculations, free of I/O.

pub mod cli;
pub mod documents;
pub mod domain;
pub mod export;
pub mod http;
pub mod service;
pub mod storage;
