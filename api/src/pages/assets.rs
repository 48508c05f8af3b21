//! The pages' static files, embedded in the binary. Each is served under a
//! name carrying a digest of its content (`app.3f2a9c1e.css`), cached for a
//! year: a new release changes the name, never a cached copy. The plain
//! name is served too, briefly cached, for the references a vendored
//! stylesheet makes to its own fonts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

#[derive(rust_embed::Embed)]
#[folder = "web/static/"]
// How a vendored folder was made is for the repository, not for browsers.
#[exclude = "vendor/*/README.md"]
#[exclude = "vendor/*/refresh.sh"]
struct StaticFiles;

struct Asset {
    data: Cow<'static, [u8]>,
    mime: String,
    etag: String,
    immutable: bool,
}

struct Catalogue {
    by_url: HashMap<String, usize>,
    urls: HashMap<String, String>,
    assets: Vec<Asset>,
}

/// `app.css` with digest `3f2a…` is `app.3f2a9c1e.css`.
fn hashed_name(path: &str, hex: &str) -> String {
    let short = &hex[..hex.len().min(10)];
    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    let named = match file.split_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{file}.{short}"),
    };
    match dir {
        "" => named,
        dir => format!("{dir}/{named}"),
    }
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut catalogue = Catalogue {
        by_url: HashMap::new(),
        urls: HashMap::new(),
        assets: Vec::new(),
    };
    for path in StaticFiles::iter() {
        let Some(file) = StaticFiles::get(&path) else {
            continue;
        };
        let hex: String = file
            .metadata
            .sha256_hash()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let hashed = hashed_name(&path, &hex);
        let mime = file.metadata.mimetype().to_owned();
        let mime = match mime.starts_with("text/") || mime.ends_with("javascript") {
            true => format!("{mime}; charset=utf-8"),
            false => mime,
        };
        let etag = format!("\"{}\"", &hex[..hex.len().min(32)]);
        for (url, immutable) in [(hashed.clone(), true), (path.to_string(), false)] {
            catalogue.by_url.insert(url, catalogue.assets.len());
            catalogue.assets.push(Asset {
                data: file.data.clone(),
                mime: mime.clone(),
                etag: etag.clone(),
                immutable,
            });
        }
        catalogue
            .urls
            .insert(path.to_string(), format!("/static/{hashed}"));
    }
    catalogue
});

/// The address of the static file `path` (relative to `web/static/`), with
/// its digest in the name.
pub fn url(path: &str) -> String {
    CATALOGUE
        .urls
        .get(path)
        .cloned()
        .unwrap_or_else(|| format!("/static/{path}"))
}

/// The addresses, with their digests, of the static files whose path
/// `keep` accepts, in the order of their paths.
pub fn urls_where(keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut urls: Vec<(&String, &String)> = CATALOGUE
        .urls
        .iter()
        .filter(|(path, _)| keep(path))
        .collect();
    urls.sort();
    urls.into_iter().map(|(_, url)| url.clone()).collect()
}

/// The content of the static file `path`, for the few files served under
/// a fixed address (the tablet app's service worker and manifest).
pub fn content(path: &str) -> Option<(Cow<'static, [u8]>, String)> {
    let file = StaticFiles::get(path)?;
    Some((file.data, file.metadata.mimetype().to_owned()))
}

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(asset) = CATALOGUE
        .by_url
        .get(path.as_str())
        .and_then(|i| CATALOGUE.assets.get(*i))
    else {
        return super::not_found_page(&req);
    };
    let cache = match asset.immutable {
        true => "public, max-age=31536000, immutable",
        false => "public, max-age=3600",
    };
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == asset.etag));
    let mut answer = match unchanged {
        true => HttpResponse::NotModified(),
        false => HttpResponse::Ok(),
    };
    answer
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, asset.etag.as_str()));
    if unchanged {
        return answer.finish();
    }
    match HeaderValue::from_str(&asset.mime) {
        Ok(mime) => answer.insert_header((header::CONTENT_TYPE, mime)),
        Err(_) => answer.insert_header((header::CONTENT_TYPE, "application/octet-stream")),
    };
    let body = match &asset.data {
        Cow::Borrowed(bytes) => web::Bytes::from_static(bytes),
        Cow::Owned(bytes) => web::Bytes::copy_from_slice(bytes),
    };
    answer.body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_name_keeps_the_folder_and_the_extension() {
        assert_eq!(
            hashed_name("css/app.min.css", "0123456789abcdef"),
            "css/app.0123456789.min.css"
        );
        assert_eq!(hashed_name("robots", "abcdef"), "robots.abcdef");
    }

    fn text(path: &str) -> String {
        let file = StaticFiles::get(path).unwrap_or_else(|| panic!("{path} is not embedded"));
        String::from_utf8_lossy(&file.data).into_owned()
    }

    #[test]
    fn bootstrap_italia_is_embedded_without_the_notes_on_vendoring_it() {
        for path in [
            "vendor/bootstrap-italia/css/bootstrap-italia.min.css",
            "vendor/bootstrap-italia/css/fonts.css",
            "vendor/bootstrap-italia/svg/sprites.svg",
            "vendor/bootstrap-italia/LICENSE",
        ] {
            assert!(CATALOGUE.urls.contains_key(path), "{path}");
        }
        assert!(StaticFiles::get("vendor/bootstrap-italia/README.md").is_none());
        assert!(StaticFiles::get("vendor/bootstrap-italia/refresh.sh").is_none());
    }

    /// The font stylesheet names its fonts relative to itself: they must be
    /// served under their plain names, beside its hashed name's folder.
    #[test]
    fn every_font_the_font_stylesheet_names_is_served() {
        let css = text("vendor/bootstrap-italia/css/fonts.css");
        let fonts: Vec<&str> = css
            .split("url(\"../")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(fonts.len() >= 4, "{css}");
        for font in fonts {
            let path = format!("vendor/bootstrap-italia/{font}");
            assert!(font.ends_with(".woff2"), "{font}");
            assert!(CATALOGUE.by_url.contains_key(&path), "{path}");
        }
        let hashed = url("vendor/bootstrap-italia/css/fonts.css");
        assert!(hashed.starts_with("/static/vendor/bootstrap-italia/css/fonts."));
    }

    /// The sprite holds only the icons the templates name (`page.icon(…)`):
    /// one more needs `refresh.sh` run again.
    #[test]
    fn every_icon_a_template_names_is_in_the_sprite() {
        let sprite = text("vendor/bootstrap-italia/svg/sprites.svg");
        let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")];
        let mut templates = Vec::new();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    templates.push(path);
                }
            }
        }
        let mut named = 0;
        for path in templates {
            let template = std::fs::read_to_string(path).unwrap();
            for rest in template.split("icon(\"").skip(1) {
                let name = rest.split('"').next().unwrap_or_default();
                assert!(
                    sprite.contains(&format!("<symbol id=\"{name}\"")),
                    "{name} is not in the sprite: run refresh.sh"
                );
                named += 1;
            }
        }
        assert!(named > 0);
    }

    #[test]
    fn every_embedded_file_has_a_hashed_address_that_serves_it() {
        assert!(!CATALOGUE.urls.is_empty(), "no static file is embedded");
        for (path, address) in &CATALOGUE.urls {
            let hashed = address.trim_start_matches("/static/");
            assert_ne!(hashed, path);
            assert!(CATALOGUE.by_url.contains_key(hashed), "{address}");
            assert!(CATALOGUE.by_url.contains_key(path.as_str()), "{path}");
        }
    }
}
