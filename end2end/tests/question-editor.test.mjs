// Issue 19: a teacher writes one question of each kind in the bank's editor (embedded answers
// and drag and drop into text, whose choice moves between gaps, and a calculated one, among
// them) (and edits one, which makes version 2), sets an exam of two attempts graded by their
// average, and a student sits it twice: the first time right, the second time blank. The exams
// list and the journal (the student's own marks, on the exam's lesson) show the average of the
// two marks, not the last.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, close, visit, msg, uniq, screenshot, signedIn, createExam, startExam } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const as = (login, lang) => signedIn(browser, login, lang);

test('a teacher writes every kind in the editor; two attempts make the average in the journal', async () => {
  const lang = 'ru';
  const id = uniq();
  const topic = `Редактор ${id}`;
  const title = `Две попытки ${id}`;
  const stems = {
    single: `Где хранятся данные? ${id}`,
    multiple: `Команды SQL? ${id}`,
    short: `Язык запросов ${id}`,
    matching: `Сопоставьте ключи ${id}`,
    ordering: `По порядку ${id}`,
    cloze: `Пропуски ${id}`,
    drag: `Перетащите ${id}`,
    calc: `Сумма ${id}`,
  };
  const gap = (n) => msg('GapNumber', lang).replace('{n}', String(n));

  const teacher = await as('teacher', lang);
  let lessonDate;
  {
    const { page } = teacher;
    await visit(page, `/exams/bank?subject=${encodeURIComponent('Деректер қоры')}`);
    const editor = page.getByTestId('question-editor');
    const label = (name, n) => editor.getByLabel(`${msg(name, lang)} ${n}`, { exact: true });
    /** Opens the editor for a new question of `kind` and fills what every kind has. */
    const start = async (kind, text, questionTopic = topic) => {
      await page.getByTestId('new-question-kind').selectOption(kind);
      await page.getByTestId('new-question').click();
      await editor.waitFor();
      await editor.getByTestId('editor-text').fill(text);
      await editor.getByTestId('editor-topic').fill(questionTopic);
    };
    /** Saves, then waits until the bank lists `stem` (the list is read again after a save and
     * drawn anew, the kind picker with it: the next question is started after that). */
    const save = async (stem = null) => {
      await editor.getByTestId('editor-save').click();
      // Saved (the editor closes), or refused with its reason shown.
      const refusal = editor.locator('.error, [role=alert]').first();
      const outcome = await Promise.race([
        page.getByTestId('question-saved').waitFor().then(() => null),
        refusal.waitFor().then(() => refusal.innerText()),
      ]);
      if (outcome !== null) await screenshot(page, 'question-editor-refused');
      assert.equal(outcome, null, `the editor refused the question: ${outcome}`);
      if (stem) await page.getByTestId('bank-question').filter({ hasText: stem }).waitFor();
    };

    // Single choice: three options, the second right, with feedback; the preview shows it
    // shuffled without marking the key.
    await start('single', stems.single);
    await editor.getByTestId('editor-add').click();
    for (const [n, text] of [[1, 'Файл'], [2, 'Кесте'], [3, 'Бума']]) await label('AnswerOptions', n).fill(text);
    await label('CorrectOption', 2).check();
    await label('AnswerFeedback', 2).fill('Верно: строки таблицы');
    const preview = editor.getByTestId('editor-preview');
    await preview.getByText('Кесте').waitFor();
    assert.equal(await preview.locator('input:checked').count(), 0, 'the preview marks no key');
    await screenshot(page, 'question-editor-single-ru');
    await save(stems.single);

    // Multiple choice: two of three right.
    await start('multiple', stems.multiple);
    await editor.getByTestId('editor-add').click();
    for (const [n, text] of [[1, 'SELECT'], [2, 'INSERT'], [3, 'PRINT']]) await label('AnswerOptions', n).fill(text);
    await label('CorrectOption', 1).check();
    await label('CorrectOption', 2).check();
    await save(stems.multiple);

    // Short answer, first written wrong ("SQK"), then corrected: version 2.
    await start('short', stems.short);
    await label('AcceptedAnswers', 1).fill('SQK');
    await save(stems.short);
    const shortRow = page.getByTestId('bank-question').filter({ hasText: stems.short });
    await shortRow.getByTestId('bank-edit').click();
    await editor.waitFor();
    await label('AcceptedAnswers', 1).fill('SQL');
    await save();
    await shortRow.getByTestId('bank-version').filter({ hasText: '2' }).waitFor();

    // Matching: two pairs.
    await start('matching', stems.matching);
    await label('LeftItem', 1).fill('Первичный ключ');
    await label('RightItem', 1).fill('Определяет строку');
    await label('LeftItem', 2).fill('Внешний ключ');
    await label('RightItem', 2).fill('Ссылается на другую таблицу');
    await save(stems.matching);

    // Ordering: two items in their right order.
    await start('ordering', stems.ordering);
    await label('OrderingItems', 1).fill('Первый');
    await label('OrderingItems', 2).fill('Второй');
    await save(stems.ordering);

    // Embedded answers: the gaps written in the text, read back as the teacher types.
    await start('cloze', `${stems.cloze}: язык {1:SHORTANSWER:=SQL} хранит данные в {1:MC:=таблицах~файлах~папках}.`);
    await editor.getByTestId('cloze-parse').filter({ hasText: `${msg('ClozeGapsFound', lang)}: 2` }).waitFor();
    await editor.getByTestId('editor-preview').getByLabel(gap(2), { exact: true }).waitFor();
    await save(stems.cloze);

    // Drag and drop into text: two gaps, two choices of one group.
    await start('drag_text', `${stems.drag}: [[1]] — строка таблицы, [[2]] — её столбец.`);
    await label('DragChoices', 1).fill('запись');
    await label('DragChoices', 2).fill('поле');
    await save(stems.drag);

    // Calculated: the variables' rows follow the text's wildcards (1 to 10, whole numbers by
    // default); each candidate gets values of their own and the server works out the answer.
    await start('calculated', `${stems.calc}: {a} + {b} = ?`);
    await editor.getByTestId('editor-variable').nth(1).waitFor();
    await label('CalcFormula', 1).fill('{a} + {b}');
    await save(stems.calc);

    // An essay, in a topic of its own: the exam below is scored by the server alone.
    await start('essay', `Опишите индекс ${id}`, `${topic} эссе`);
    await save(`Опишите индекс ${id}`);

    // A refused question says why at its field and saves nothing.
    await start('single', `Без ответа ${id}`);
    await label('AnswerOptions', 1).fill('Да');
    await label('AnswerOptions', 2).fill('Нет');
    await editor.getByTestId('editor-save').click();
    await editor.locator('.error').filter({ hasText: msg('ErrExamSingleNeedsOneCorrect', lang) }).waitFor();
    await editor.getByRole('button', { name: msg('Cancel', lang), exact: true }).click();

    for (const stem of Object.values(stems)) await page.getByTestId('bank-question').filter({ hasText: stem }).waitFor();
    assert.equal(await page.getByTestId('bank-question').filter({ hasText: `Без ответа ${id}` }).count(), 0);

    // The exam: two attempts, graded by their average, its mark on the midterm lesson.
    const { lessonText } = await createExam(page, lang, {
      title, duration: 30, draw: `${topic}: 8`, proctored: false,
      lesson: (texts) => texts.find((t) => t.includes('Аралық аттестация')),
      fill: async (f) => {
        await f.getByTestId('attempts-allowed').fill('2');
        await f.getByTestId('grading-method').selectOption('average');
      },
    });
    lessonDate = lessonText.split(' · ')[0];
    await close(teacher);
  }

  const student = await as('student1', lang);
  const { page } = student;
  const row = () => page.getByTestId('my-exams').locator('tr', { hasText: title });
  /** Starts the next attempt from the exams list; `answer` fills the paper, then it is handed in. */
  const sit = async (button, answer) => {
    await startExam(page, title, button);
    await page.getByTestId('question').first().waitFor();
    assert.equal(await page.getByTestId('question').count(), 8);
    await answer();
    await page.getByTestId('submit-exam').click();
    await page.getByTestId('attempt-submitted').waitFor();
    return (await page.getByTestId('attempt-score').innerText()).trim();
  };
  const question = (stem) => page.getByTestId('question').filter({ hasText: stem });

  // First attempt: every answer right.
  const first = await sit('start-exam', async () => {
    await question(stems.single).getByLabel('Кесте', { exact: true }).check();
    await question(stems.multiple).getByLabel('SELECT', { exact: true }).check();
    await question(stems.multiple).getByLabel('INSERT', { exact: true }).check();
    await question(stems.short).locator('input').fill('sql');
    await question(stems.short).locator('input').press('Tab');
    const matching = question(stems.matching);
    await matching.getByLabel('Первичный ключ', { exact: true }).selectOption({ label: 'Определяет строку' });
    await matching.getByLabel('Внешний ключ', { exact: true }).selectOption({ label: 'Ссылается на другую таблицу' });
    const ordering = question(stems.ordering);
    if ((await ordering.locator('li span').first().innerText()).trim() !== 'Первый') {
      await ordering.getByRole('button', { name: `${msg('MoveUp', lang)}: Первый` }).click();
    }
    const cloze = question(stems.cloze);
    await cloze.getByLabel(gap(1), { exact: true }).fill('sql');
    await cloze.getByLabel(gap(1), { exact: true }).press('Tab');
    await cloze.getByLabel(gap(2), { exact: true }).selectOption({ label: 'таблицах' });
    // A choice fills one gap at a time, as in Moodle: each list says where it is, and picked
    // in another gap it moves there, emptying the first, and the move is said.
    const drag = question(stems.drag);
    const dragGap = (n) => drag.getByLabel(gap(n), { exact: true });
    await dragGap(1).selectOption({ label: 'поле' });
    await dragGap(2).selectOption({ label: `поле (${msg('GapChoiceIn', lang).replace('{n}', '1')})` });
    const moved = msg('GapChoiceMoved', lang).replace('{choice}', 'поле').replace('{from}', '1');
    await drag.getByTestId('gap-moved').filter({ hasText: moved }).waitFor();
    assert.equal(await dragGap(1).inputValue(), '', 'the first gap is empty again');
    await dragGap(1).selectOption({ label: 'запись' });
    // This paper's values, read off its text: the answer is theirs, not another candidate's.
    const calc = question(stems.calc);
    const [, a, b] = (await calc.locator('.stem').innerText()).match(/(\d+) \+ (\d+) = \?/);
    await calc.getByTestId('calculated-answer').fill(String(Number(a) + Number(b)));
    await calc.getByTestId('calculated-answer').press('Tab');
    await page.getByTestId('answers-status').filter({ hasText: msg('AllAnswersSaved', lang) }).waitFor();
  });
  assert.equal(first, '8 / 8', 'version 2 of the short answer scores "sql"; every gap right');
  await visit(page, '/exams');
  const top = (await row().getByTestId('grade-so-far').innerText()).trim();
  assert.ok(['5', '100'].includes(top), `the top mark after a full score, got ${top}`);
  assert.match((await row().getByTestId('attempts-made').innerText()), /1\D+2/);

  // Second attempt: nothing answered. The average of the two marks is the grade.
  const second = await sit('start-another-attempt', async () => {});
  assert.equal(second, '0 / 8');
  await visit(page, '/exams');
  const average = top === '5' ? '4' : '50';
  assert.equal((await row().getByTestId('grade-so-far').innerText()).trim(), average, 'the average of 5 and 2 (or 100 and 0), not the last');
  assert.equal(await row().getByTestId('start-another-attempt').count(), 0, 'no third attempt');
  await screenshot(page, 'two-attempts-average-ru');

  // The journal holds that grade on the exam's lesson.
  await visit(page, '/my/marks');
  const subject = page.getByTestId('my-marks').locator('tr', { hasText: 'Деректер қоры' });
  const marks = await subject.locator(`span.mark[title="${lessonDate}"]`).allInnerTexts();
  assert.ok(marks.map((m) => m.trim()).includes(average), `the mark on ${lessonDate}: ${marks}`);
  await close(student);
});
