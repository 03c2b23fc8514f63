"""The SOP feature: reading the SOP in force and its history, drafting and activating versions."""
