"""Teaching helpers: exercises, their checkers and the progress board client."""
