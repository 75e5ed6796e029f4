"""mesh.logs: request threads hand their records to one writer, which writes them in batches."""

import io
import json
import logging

from mesh import logs


class CountingStream(io.StringIO):
    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_a_burst_of_lines_is_written_in_few_writes_each_line_whole_and_in_order():
    stream = CountingStream()
    logs.configure("booking", stream=stream)
    try:
        for n in range(200):
            logging.getLogger("padel.rpc").info("rpc", extra={"call": n})
    finally:
        logging.getLogger().handlers.clear()
        logs.stop()  # what is queued is written first
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["call"] for line in lines] == list(range(200))
    assert {line["service"] for line in lines} == {"booking"}
    assert stream.writes < 20  # one write per batch, not per line
