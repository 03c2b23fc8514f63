"""Units, the documented structure, role assignments and acting officials."""
