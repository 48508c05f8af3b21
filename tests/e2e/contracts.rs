use navigator_e2e::*;
