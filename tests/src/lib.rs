//! System tests live in `tests/`: they check the packages against each other (OpenAPI document,
//! SAM template) and run flows across functions against the emulators.
