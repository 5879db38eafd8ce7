//! Integration tests of xcgate-xua: the shared corpus, issue/verify round trips, and the
//! attacks the verifier must refuse.

mod attacks;
mod corpus;
mod network_profile;
mod roundtrip;
mod support;
