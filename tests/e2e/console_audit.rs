//! Console section tests: filled in with the section.
