//! Administration: the organisation tree (region > district > college or school > group),
//! users and their role grants. Everything here is scoped: a permission held on an
//! organisation reaches that organisation and its subtree, nothing beside it.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
