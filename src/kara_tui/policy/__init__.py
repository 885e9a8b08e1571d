"""Pure rules of the practice: who may be charged, when notice is late, what conflicts."""
