//! The results export names each attempt's number and the candidate's grade by the method.

use super::super::*;

backends!(the_results_export_has_the_attempt_number_and_the_grade_by_the_method);

async fn the_results_export_has_the_attempt_number_and_the_grade_by_the_method(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "bank.gift", GIFT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = exam_of_attempts(&w, "2", "average", false).await;
    sit_attempt(&w, exam, false).await;
    sit_attempt(&w, exam, true).await;
    let table = |lang: &'static str| {
        let app = &w.app;
        let teacher = w.teacher.clone();
        async move {
            let csv = app.get(&teacher, &format!("/export/exam/{exam}.csv?lang={lang}")).await;
            assert_eq!(csv.status, StatusCode::OK);
            csv.body
                .trim_start_matches('\u{feff}')
                .lines()
                .map(|l| l.split(';').map(str::to_string).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        }
    };
    let en = table("en").await;
    assert_eq!(en[0][..3], ["Student", "Attempt no.", "Final grade (Average grade)"], "{en:?}");
    // Marks 2 then 5: the average 3.5 makes 4, on both of the candidate's rows.
    assert_eq!(en.len(), 3, "{en:?}");
    assert_eq!((en[1][1].as_str(), en[1][2].as_str(), en[1][6].as_str()), ("1", "4", "2"), "{en:?}");
    assert_eq!((en[2][1].as_str(), en[2][2].as_str(), en[2][6].as_str()), ("2", "4", "5"), "{en:?}");
    let ru = table("ru").await;
    assert_eq!(ru[0][..3], ["Студент", "Попытка №", "Итоговая оценка (Средняя оценка)"], "{ru:?}");
    let kk = table("kk").await;
    assert_eq!(kk[0][2], "Қорытынды баға (Орташа баға)", "{kk:?}");
}
