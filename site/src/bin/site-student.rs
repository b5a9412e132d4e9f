//! The wasm entry point of the `site-student` bundle: the student's enrol page and the joiner's
//! page (see site::bundles).

fn main() {
    site::bundles::start::<site::bundles::Student>();
}
