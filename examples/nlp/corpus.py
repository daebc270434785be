"""Small corpora the project writes itself (nothing is downloaded).

- ``ZH_SENTENCES``: Chinese sentences on three topics (weather, cooking, machine learning),
  written for these pages; ``ZH_TOPICS`` names the topic of each sentence.
- ``EN_SENTENCES``: a few English sentences for the tokenization examples.
- ``topic_corpus``: a synthetic corpus whose topics are known, so that a test can check
  that word vectors found them.

Run it:  python -m examples.nlp.corpus
"""

# --8<-- [start:corpus]
import numpy as np

ZH_SENTENCES = [
    # weather / 天气
    "今天下雨了，出门记得带伞。",
    "明天多云转晴，气温回升。",
    "下雨天路滑，开车要慢一点。",
    "天气预报说周末有大风和降温。",
    "雨停了，天空出现了彩虹。",
    "冬天气温很低，北方经常下雪。",
    "夏天天气炎热，午后常有雷阵雨。",
    "今天晴天，阳光很好，气温适中。",
    "大风把云吹散了，天气转晴。",
    "下雪以后气温降到零度以下。",
    # cooking / 做饭
    "妈妈用米饭和鸡蛋做了炒饭。",
    "炒菜之前先把锅烧热，再放油。",
    "这道菜要放盐、酱油和一点糖。",
    "晚饭我们吃米饭、青菜和红烧肉。",
    "鸡蛋炒饭要用隔夜的米饭。",
    "煮面条的时候水要多放一些。",
    "先切菜，再下锅炒菜，最后放盐。",
    "厨房里的锅和碗都洗干净了。",
    "红烧肉要用酱油和糖慢慢炖。",
    "她学会了做面条和炒鸡蛋。",
    # machine learning / 机器学习
    "我们用训练数据训练神经网络模型。",
    "模型在测试数据上的准确率很高。",
    "梯度下降一步一步更新模型参数。",
    "神经网络的参数越多，训练越慢。",
    "学习率太大，损失函数会震荡。",
    "训练模型之前先把数据标准化。",
    "验证集上的损失不再下降就停止训练。",
    "卷积神经网络擅长处理图像数据。",
    "循环神经网络可以处理文本和序列数据。",
    "用更多数据训练，模型的准确率更高。",
]
ZH_TOPICS = ["weather"] * 10 + ["cooking"] * 10 + ["learning"] * 10

EN_SENTENCES = [
    "The cat sat on the mat.",
    "The dog ate my homework!",
    "A cat, a dog; a bird?",
    "Deep learning needs data, and data needs cleaning.",
]


def topic_corpus(num_topics=4, words_per_topic=8, num_sentences=400, sentence_length=8,
                 num_shared=4, p_shared=0.25, seed=0):
    """Sentences whose words come from one topic each, plus words shared by all topics.

    Topic t owns the words "t<t>w<i>"; shared (function) words are "s<i>". Every sentence
    picks one topic, then each word is a shared word with probability p_shared and a word of
    that topic otherwise. Returns (sentences, topic_of_word); shared words have topic -1.
    """
    rng = np.random.default_rng(seed)
    topic_words = [[f"t{t}w{i}" for i in range(words_per_topic)] for t in range(num_topics)]
    shared = [f"s{i}" for i in range(num_shared)]
    sentences = []
    for _ in range(num_sentences):
        words = topic_words[rng.integers(num_topics)]
        sentences.append([shared[rng.integers(num_shared)] if rng.random() < p_shared
                          else words[rng.integers(words_per_topic)]
                          for _ in range(sentence_length)])
    topic_of_word = {w: t for t, words in enumerate(topic_words) for w in words}
    topic_of_word.update({w: -1 for w in shared})
    return sentences, topic_of_word
# --8<-- [end:corpus]


def main():
    print(f"{len(ZH_SENTENCES)} Chinese sentences ({', '.join(sorted(set(ZH_TOPICS)))}), "
          f"{len(EN_SENTENCES)} English sentences")
    sentences, topic_of_word = topic_corpus()
    print(f"synthetic corpus: {len(sentences)} sentences, {len(topic_of_word)} word types")
    print(" ".join(sentences[0]))


if __name__ == "__main__":
    main()
