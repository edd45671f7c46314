"""py-deadlock · Python：同一个死锁 · Python: the same deadlock

动手 · Make. Python 文档里 ThreadPoolExecutor 一节的例子：wait_on_future 在同一个池里提交
一个任务，再等它的结果。池只有一个工作线程，正在运行 wait_on_future 本身，于是永远等下去。
检查最多等 2 秒。改它，让 main() 返回 25。

The example from the ThreadPoolExecutor section of Python's documentation:
wait_on_future submits a task to the same pool and waits for its result. The
pool has one worker, busy running wait_on_future itself, so it waits for
ever; the check gives up after 2 s. Make main() return 25.

Run: just exercise py-deadlock   (python3 this_file.py hangs as shipped: Ctrl-C)
"""

from concurrent.futures import ThreadPoolExecutor


def wait_on_future(executor):
    f = executor.submit(pow, 5, 2)
    return f.result()


def main():
    # ✏️ 让 main() 返回 25，而不是永远等下去。 · Make main() return 25 instead of waiting for ever.
    executor = ThreadPoolExecutor(max_workers=1)
    return executor.submit(wait_on_future, executor).result()


if __name__ == '__main__':
    print(main())
