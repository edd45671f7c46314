"""py-loiter-reversed · Python：反过来的 loiter 要多久 · Python: how long does the reversed loiter take?

预测 · Predict. 这是我们的清单 notes/py/demo_executor_map.py（loiter 一节的 Python），只是任务
顺序反过来：4、3、2、1、0，3 个工作线程；一个"秒"是 UNIT。main() 要几个单位？

Our listing notes/py/demo_executor_map.py, tasks in reverse order: 4, 3, 2,
1, 0, on 3 workers; one "second" lasts UNIT. How many units does main() take?

Run: just exercise py-loiter-reversed   (or: python3 this_file.py)
"""

import time
from concurrent import futures

UNIT = 0.1  # seconds in one loiter "second"
T0 = time.perf_counter()


def display(*args):
    print(f'[{(time.perf_counter() - T0) / UNIT:4.1f}u]', *args, flush=True)


def loiter(n):
    msg = '{}loiter({}): doing nothing for {}s...'
    display(msg.format('\t' * n, n, n))
    time.sleep(n * UNIT)
    msg = '{}loiter({}): done.'
    display(msg.format('\t' * n, n))
    return n * 10


def main():
    global T0
    T0 = time.perf_counter()
    display('Script starting.')
    executor = futures.ThreadPoolExecutor(max_workers=3)
    results = executor.map(loiter, [4, 3, 2, 1, 0])
    display('results:', results)
    display('Waiting for individual results:')
    for i, result in enumerate(results):
        display(f'result {i}: {result}')


# ✏️ 你的预测：main() 要几个单位？（把 None 换成一个数） · Your prediction: how many units does main() take? (None → a number)
PREDICTED_UNITS = None

if __name__ == '__main__':
    main()
