"""Sign-in, sign-out, password change and the language switch."""
