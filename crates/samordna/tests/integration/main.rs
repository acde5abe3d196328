//! The integration suite: one test binary, the real server, on SQLite and on PostgreSQL.

mod support;

mod access;
mod api;
mod application_pages;
mod applications;
mod audit;
mod auth;
mod cli;
mod economy;
mod economy_pages;
mod meetings;
mod pages;
mod participants;
mod proposals;
mod reminders;
mod reports;
mod seeds;
mod storage;
