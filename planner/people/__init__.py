"""People: the register of persons and their accounts, kept by system administrators."""
