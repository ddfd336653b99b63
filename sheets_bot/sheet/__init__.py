"""The sheet contract in code: the layout, tables found by header, typed rows, write batches."""
