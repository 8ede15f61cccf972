//! Face counting, the same in the browser and on the server: SeetaFace's frontal detector
//! (rustface) with one set of settings, so the server's re-check of a snapshot and the browser's
//! count of the same frame can only differ by how the frame was scaled, never by how it was read.
//!
//! The model is not compiled into the wasm: the browser fetches it from our own origin
//! (`MODEL_URL`) when a check or an attempt starts (see `client::faces`), and the server
//! includes it in its binary (`ingest::FACE_MODEL`).

/// Where the site serves the model (copied from `public/proctor/`).
pub const MODEL_URL: &str = "/proctor/seeta_fd_frontal_v1.0.bin";
/// Its size: 1.2 MB, as much as the rest of the wasm, which is why it is fetched (once, then
/// from the browser's cache) only by the pages that count faces instead of being compiled in.
pub const MODEL_BYTES: usize = 1_209_904;

/// Smallest face looked for, in pixels of the frame given to the detector. A face in a webcam
/// frame of 320x240 is 60..200 px; 40 px catches one leaning back.
pub const MIN_FACE_SIZE: u32 = 40;
pub const SCORE_THRESH: f64 = 2.0;
pub const PYRAMID_SCALE: f32 = 0.8;
pub const WINDOW_STEP: u32 = 4;

/// A loaded detector. Not `Sync` (rustface keeps scratch buffers), so the server keeps one per
/// blocking thread and the browser one per page.
pub struct FaceCounter {
    detector: Box<dyn rustface::Detector>,
}

impl FaceCounter {
    /// Reads the SeetaFace model (the bytes of `seeta_fd_frontal_v1.0.bin`). rustface trusts
    /// the counts in the file (a wrong one allocates or panics), so anything that is not this
    /// model's size and header is refused first: in the browser an error page in place of the
    /// model must not take the page down.
    pub fn from_model(bytes: &[u8]) -> Option<FaceCounter> {
        if bytes.len() != MODEL_BYTES || bytes.get(..4) != Some(&[3, 0, 0, 0][..]) {
            return None;
        }
        let model = rustface::read_model(std::io::Cursor::new(bytes)).ok()?;
        let mut detector = rustface::create_detector_with_model(model);
        detector.set_min_face_size(MIN_FACE_SIZE);
        detector.set_score_thresh(SCORE_THRESH);
        detector.set_pyramid_scale_factor(PYRAMID_SCALE);
        detector.set_slide_window_step(WINDOW_STEP, WINDOW_STEP);
        Some(FaceCounter { detector })
    }

    /// Faces in a grayscale frame (one byte a pixel, row after row). None when the buffer does
    /// not hold `width * height` pixels or the frame is smaller than the smallest face.
    pub fn count(&mut self, gray: &[u8], width: u32, height: u32) -> Option<u32> {
        if width < MIN_FACE_SIZE || height < MIN_FACE_SIZE || gray.len() != (width as usize) * (height as usize) {
            return None;
        }
        Some(self.detector.detect(&rustface::ImageData::new(gray, width, height)).len() as u32)
    }
}

/// Grayscale (BT.601 luma, integer) of RGBA pixels as a canvas gives them.
pub fn rgba_to_gray(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4).map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8) as u8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Vec<u8> {
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../public/proctor/seeta_fd_frontal_v1.0.bin"))
            .expect("the model ships in public/proctor")
    }

    #[test]
    fn gray_is_luma() {
        assert_eq!(rgba_to_gray(&[0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255]), vec![0, 255, 77]);
        assert!(rgba_to_gray(&[1, 2, 3]).is_empty());
    }

    #[test]
    fn a_blank_frame_has_no_face_and_a_wrong_buffer_no_count() {
        let mut c = FaceCounter::from_model(&model()).expect("model loads");
        assert_eq!(c.count(&vec![128u8; 160 * 120], 160, 120), Some(0));
        assert_eq!(c.count(&[0u8; 10], 160, 120), None);
        assert_eq!(c.count(&[0u8; 30 * 30], 30, 30), None);
        assert!(FaceCounter::from_model(b"<html>not found</html>").is_none());
        assert!(FaceCounter::from_model(&vec![0xffu8; MODEL_BYTES]).is_none());
    }
}
