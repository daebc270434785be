"""Computer-vision examples of DL Notes."""
