"""Pure domain logic: no I/O, no clock reads, no adapters. Time is passed in."""
