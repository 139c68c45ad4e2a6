//! The delivery log of the mail the server sent (`crate::mail`), browsable: a unit's admins see
//! the messages about their unit's cases, the province's admins all. `service` reads it within
//! the actor's scope; `pages` and `api` show it.
pub mod api;
pub mod pages;
pub mod service;
