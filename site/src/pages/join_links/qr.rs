//! A link's QR code, for print: drawn as one SVG path (qrcodegen), with a text alternative
//! naming the link it opens.

use super::*;
use qrcodegen::{QrCode, QrCodeEcc};
use std::fmt::Write;

/// The SVG path of the code's dark modules, one unit a module, after a quiet zone of 4; and
/// the side of the whole drawing. `None` for a text too long for any QR code.
pub fn qr_path(text: &str) -> Option<(String, i32)> {
    // Medium: a printed code still scans with a scratch or a fold.
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = qr.size();
    let mut path = String::new();
    // One stroke per run of dark modules in a row: a path a few times shorter than by module.
    for y in 0..size {
        let mut x = 0;
        while x < size {
            let start = x;
            while x < size && qr.get_module(x, y) {
                x += 1;
            }
            if x > start {
                let run = x - start;
                let _ = write!(path, "M{},{}h{run}v1h-{run}z", start + 4, y + 4);
            }
            x += 1;
        }
    }
    Some((path, size + 8))
}

/// The code that opens `url`, the link for `audience`, with a way to print it.
pub fn qr_figure(id: &str, url: &str, audience: &str) -> Html {
    let Some((path, side)) = qr_path(url) else {
        return html! { <p class="error">{"This link is too long for a QR code."}</p> };
    };
    let caption = format!("qr-caption-{id}");
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    html! {
        <figure class="qr" aria-labelledby={caption.clone()}>
            <svg viewBox={format!("0 0 {side} {side}")} role="img" id={format!("qr-code-{id}")}
                aria-label={format!("QR code that opens the join link for {audience}: {url}")}
                shape-rendering="crispEdges">
                <rect width={side.to_string()} height={side.to_string()} fill="#fff" />
                <path d={path} fill="#000" />
            </svg>
            <figcaption id={caption}>
                {format!("Scanned, this code opens the join link for {audience}. Print the page to put it on paper.")}
                <button type="button" id={format!("print-qr-{id}")} onclick={on_print}>{"Print"}</button>
            </figcaption>
        </figure>
    }
}
